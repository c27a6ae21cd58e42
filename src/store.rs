//! Progress persistence: scenario attempts and passes, hints, time spent, quiz answers and the
//! review schedule, in SQLite (WAL, transactions, `user_version` migrations) in the data
//! directory. Two processes may use it at once: SQLite's locking plus a busy timeout keeps them
//! apart, and every write is one transaction, so what was acknowledged survives a kill.
//!
//! The caller passes the time (`now`, seconds since the Unix epoch); the store reads no clock.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("progress store {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("progress store {path} was written by a newer ec2-tutor (schema {found}, this build knows {known}); upgrade ec2-tutor or use another --data-dir")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("cannot create the data directory {path}: {source}")]
    Dir {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// SQLite said another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A learner's standing in one scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScenarioProgress {
    pub scenario: String,
    pub attempts: i64,
    pub passes: i64,
    pub unaided_passes: i64,
    pub hints_used: i64,
    pub seconds: i64,
    pub last_at: i64,
}

impl ScenarioProgress {
    /// new | attempted | passed | passed unaided
    pub fn status(&self) -> &'static str {
        if self.unaided_passes > 0 {
            "passed unaided"
        } else if self.passes > 0 {
            "passed"
        } else if self.attempts > 0 {
            "attempted"
        } else {
            "new"
        }
    }
}

/// One finished (or abandoned) attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub scenario: String,
    pub passed: bool,
    pub aided: bool,
    pub hints: i64,
    pub seconds: i64,
}

/// A quiz answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuizAnswer {
    pub question: String,
    pub topic: String,
    pub correct: bool,
    pub mode: String,
    pub at: i64,
    /// The seed the question instance was built from (its generated topology and option
    /// order), so `quiz --review` can show the same question again.
    pub seed: Option<i64>,
}

/// Spaced-repetition state of one item (a question, or a failed scenario goal `goal:ID/GOAL`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReviewItem {
    pub item: String,
    pub due: i64,
    pub stability: f64,
    pub difficulty: f64,
    pub reps: i64,
    pub lapses: i64,
    pub state: i64,
    pub last_review: i64,
}

pub struct Store {
    conn: Connection,
    path: String,
}

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE scenario_progress (
        scenario TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL DEFAULT 0,
        passes INTEGER NOT NULL DEFAULT 0,
        unaided_passes INTEGER NOT NULL DEFAULT 0,
        hints_used INTEGER NOT NULL DEFAULT 0,
        seconds INTEGER NOT NULL DEFAULT 0,
        last_at INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        scenario TEXT NOT NULL,
        at INTEGER NOT NULL,
        passed INTEGER NOT NULL,
        aided INTEGER NOT NULL,
        hints INTEGER NOT NULL,
        seconds INTEGER NOT NULL
     );
     CREATE TABLE quiz_answers (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        topic TEXT NOT NULL,
        correct INTEGER NOT NULL,
        mode TEXT NOT NULL,
        at INTEGER NOT NULL
     );
     CREATE TABLE review (
        item TEXT PRIMARY KEY,
        due INTEGER NOT NULL,
        stability REAL NOT NULL,
        difficulty REAL NOT NULL,
        reps INTEGER NOT NULL,
        lapses INTEGER NOT NULL,
        state INTEGER NOT NULL,
        last_review INTEGER NOT NULL
     );",
    // 2: the instance seed of each quiz answer.
    "ALTER TABLE quiz_answers ADD COLUMN seed INTEGER;",
];

impl Store {
    /// The default data directory: `--data-dir`, else `EC2_TUTOR_DATA_DIR` (clap reads it),
    /// else the platform's data directory.
    pub fn default_dir() -> PathBuf {
        directories::ProjectDirs::from("", "", "ec2-tutor")
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".ec2-tutor"))
    }

    /// Opens (creating and migrating) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Dir {
            path: dir.display().to_string(),
            source: e,
        })?;
        // Two processes opening a new store at once race to switch it to WAL and create the
        // tables; SQLite may answer BUSY there without waiting (the busy handler does not
        // cover every lock upgrade), so the setup is retried for a while.
        let mut tries = 0;
        loop {
            match Self::open_once(dir) {
                Err(StoreError::Sqlite { source, .. }) if is_busy(&source) && tries < 200 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                other => return other,
            }
        }
    }

    fn open_once(dir: &Path) -> Result<Store, StoreError> {
        let file = dir.join("progress.sqlite3");
        let path = file.display().to_string();
        let sq = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let conn = Connection::open(&file).map_err(sq)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sq)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sq)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sq)?;
        let mut store = Store { conn, path };
        store.migrate()?;
        Ok(store)
    }

    fn sq(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |e| StoreError::Sqlite {
            path: self.path.clone(),
            source: e,
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sq = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sq)?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sq)?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                path: path.clone(),
                found: version,
                known,
            });
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(m).map_err(sq)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(sq)?;
        }
        tx.commit().map_err(sq)
    }

    /// Runs `f` as one transaction: everything it writes is committed together or not at all
    /// (a kill in the middle leaves none of it). `f` may not call [`Store::record_attempt`],
    /// which opens its own transaction.
    pub fn atomically<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(self.sq())?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT").map_err(self.sq())?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(self.sq())
    }

    /// Records an attempt and folds it into the scenario's progress, in one transaction.
    pub fn record_attempt(&mut self, a: &Attempt, now: i64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sq = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sq)?;
        tx.execute(
            "INSERT INTO attempts (scenario, at, passed, aided, hints, seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![a.scenario, now, a.passed, a.aided, a.hints, a.seconds],
        )
        .map_err(sq)?;
        tx.execute(
            "INSERT INTO scenario_progress (scenario, attempts, passes, unaided_passes, hints_used, seconds, last_at)
             VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(scenario) DO UPDATE SET
                attempts = attempts + 1,
                passes = passes + excluded.passes,
                unaided_passes = unaided_passes + excluded.unaided_passes,
                hints_used = hints_used + excluded.hints_used,
                seconds = seconds + excluded.seconds,
                last_at = excluded.last_at",
            params![a.scenario, a.passed as i64, (a.passed && !a.aided && a.hints == 0) as i64, a.hints, a.seconds, now],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)
    }

    /// Every row of a query, mapped.
    fn query_all<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut st = self.conn.prepare(sql).map_err(self.sq())?;
        let rows = st.query_map(params, row).map_err(self.sq())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sq())
    }

    pub fn scenario_progress(&self) -> Result<Vec<ScenarioProgress>, StoreError> {
        self.query_all(
            "SELECT scenario, attempts, passes, unaided_passes, hints_used, seconds, last_at FROM scenario_progress ORDER BY scenario",
            [],
            |r| {
                Ok(ScenarioProgress {
                    scenario: r.get(0)?,
                    attempts: r.get(1)?,
                    passes: r.get(2)?,
                    unaided_passes: r.get(3)?,
                    hints_used: r.get(4)?,
                    seconds: r.get(5)?,
                    last_at: r.get(6)?,
                })
            },
        )
    }

    pub fn record_answer(&mut self, a: &QuizAnswer) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO quiz_answers (question, topic, correct, mode, at, seed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![a.question, a.topic, a.correct, a.mode, a.at, a.seed],
            )
            .map(|_| ())
            .map_err(self.sq())
    }

    pub fn answers(&self) -> Result<Vec<QuizAnswer>, StoreError> {
        self.query_all(
            "SELECT question, topic, correct, mode, at, seed FROM quiz_answers ORDER BY id",
            [],
            |r| {
                Ok(QuizAnswer {
                    question: r.get(0)?,
                    topic: r.get(1)?,
                    correct: r.get(2)?,
                    mode: r.get(3)?,
                    at: r.get(4)?,
                    seed: r.get(5)?,
                })
            },
        )
    }

    fn review_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewItem> {
        Ok(ReviewItem {
            item: r.get(0)?,
            due: r.get(1)?,
            stability: r.get(2)?,
            difficulty: r.get(3)?,
            reps: r.get(4)?,
            lapses: r.get(5)?,
            state: r.get(6)?,
            last_review: r.get(7)?,
        })
    }

    pub fn review_item(&self, item: &str) -> Result<Option<ReviewItem>, StoreError> {
        self.conn
            .query_row(
                "SELECT item, due, stability, difficulty, reps, lapses, state, last_review FROM review WHERE item = ?1",
                params![item],
                Self::review_row,
            )
            .optional()
            .map_err(self.sq())
    }

    pub fn put_review_item(&mut self, it: &ReviewItem) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO review (item, due, stability, difficulty, reps, lapses, state, last_review)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(item) DO UPDATE SET due = excluded.due, stability = excluded.stability,
                   difficulty = excluded.difficulty, reps = excluded.reps, lapses = excluded.lapses,
                   state = excluded.state, last_review = excluded.last_review",
                params![it.item, it.due, it.stability, it.difficulty, it.reps, it.lapses, it.state, it.last_review],
            )
            .map(|_| ())
            .map_err(self.sq())
    }

    /// Items due at or before `now`, earliest first.
    pub fn due_items(&self, now: i64) -> Result<Vec<ReviewItem>, StoreError> {
        self.query_all(
            "SELECT item, due, stability, difficulty, reps, lapses, state, last_review FROM review WHERE due <= ?1 ORDER BY due, item",
            params![now],
            Self::review_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ec2-tutor-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn attempts_fold_into_progress() {
        let dir = tmp("fold");
        let mut s = Store::open(&dir).unwrap();
        s.record_attempt(
            &Attempt {
                scenario: "a".into(),
                passed: false,
                aided: false,
                hints: 1,
                seconds: 30,
            },
            100,
        )
        .unwrap();
        s.record_attempt(
            &Attempt {
                scenario: "a".into(),
                passed: true,
                aided: false,
                hints: 0,
                seconds: 60,
            },
            200,
        )
        .unwrap();
        s.record_attempt(
            &Attempt {
                scenario: "b".into(),
                passed: true,
                aided: true,
                hints: 0,
                seconds: 5,
            },
            300,
        )
        .unwrap();
        let p = s.scenario_progress().unwrap();
        assert_eq!(
            p[0],
            ScenarioProgress {
                scenario: "a".into(),
                attempts: 2,
                passes: 1,
                unaided_passes: 1,
                hints_used: 1,
                seconds: 90,
                last_at: 200
            }
        );
        assert_eq!(p[0].status(), "passed unaided");
        assert_eq!(p[1].status(), "passed");
        drop(s);
        // Reopening keeps everything.
        let s = Store::open(&dir).unwrap();
        assert_eq!(s.scenario_progress().unwrap().len(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_store_from_a_newer_version_is_refused() {
        let dir = tmp("newer");
        drop(Store::open(&dir).unwrap());
        let c = Connection::open(dir.join("progress.sqlite3")).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let e = Store::open(&dir).err().unwrap().to_string();
        assert!(e.contains("newer ec2-tutor"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn review_items_round_trip_and_come_due() {
        let dir = tmp("review");
        let mut s = Store::open(&dir).unwrap();
        let it = ReviewItem {
            item: "q1".into(),
            due: 50,
            stability: 1.5,
            difficulty: 5.0,
            reps: 1,
            lapses: 0,
            state: 1,
            last_review: 10,
        };
        s.put_review_item(&it).unwrap();
        assert_eq!(s.review_item("q1").unwrap(), Some(it.clone()));
        assert!(s.due_items(49).unwrap().is_empty());
        assert_eq!(s.due_items(50).unwrap(), vec![it]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
