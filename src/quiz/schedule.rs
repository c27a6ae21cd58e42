//! Spaced repetition: each question (by id) and each failed scenario goal (`goal:SCENARIO/GOAL`)
//! is a review item scheduled with FSRS-5 (`rs-fsrs`, default parameters, no fuzz). A right
//! answer rates the item Good, a wrong one Again. This is the one quiz module that touches the
//! progress store; the time always comes in as `now` (seconds since the Unix epoch).

use crate::store::{ReviewItem, Store, StoreError};
use chrono::{DateTime, Utc};
use rs_fsrs::{Card, Parameters, Rating, State, FSRS};

/// The review item of a scenario goal.
pub fn goal_item(scenario_id: &str, goal_id: &str) -> String {
    format!("goal:{scenario_id}/{goal_id}")
}

/// `(scenario, goal)` of a goal item.
pub fn parse_goal_item(item: &str) -> Option<(&str, &str)> {
    item.strip_prefix("goal:")?.split_once('/')
}

/// The end of the UTC day `now` falls in: what "due today" counts up to.
pub fn day_end(now: i64) -> i64 {
    (now.div_euclid(86_400) + 1) * 86_400 - 1
}

fn time(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap_or_default()
}

fn state_of(n: i64) -> State {
    match n {
        1 => State::Learning,
        2 => State::Review,
        3 => State::Relearning,
        _ => State::New,
    }
}

fn card_of(it: &ReviewItem) -> Card {
    Card {
        due: time(it.due),
        stability: it.stability,
        difficulty: it.difficulty,
        elapsed_days: 0,
        scheduled_days: 0,
        reps: it.reps.clamp(0, i32::MAX as i64) as i32,
        lapses: it.lapses.clamp(0, i32::MAX as i64) as i32,
        state: state_of(it.state),
        last_review: time(it.last_review),
    }
}

fn new_card(now: i64) -> Card {
    Card {
        due: time(now),
        last_review: time(now),
        ..Card::default()
    }
}

/// One FSRS step: the item after an answer at `now` (right → Good, wrong → Again). Pure.
pub fn next(item: Option<&ReviewItem>, name: &str, right: bool, now: i64) -> ReviewItem {
    step(
        item,
        name,
        if right { Rating::Good } else { Rating::Again },
        now,
    )
}

fn step(item: Option<&ReviewItem>, name: &str, rating: Rating, now: i64) -> ReviewItem {
    let card = item.map(card_of).unwrap_or_else(|| new_card(now));
    let params = Parameters {
        enable_fuzz: false,
        ..Parameters::default()
    };
    let c = FSRS::new(params).next(card, time(now), rating).card;
    ReviewItem {
        item: name.to_string(),
        due: c.due.timestamp(),
        stability: c.stability,
        difficulty: c.difficulty,
        reps: c.reps as i64,
        lapses: c.lapses as i64,
        state: c.state as i64,
        last_review: now,
    }
}

/// Records an answer for spaced repetition.
pub fn review(
    store: &mut Store,
    item: &str,
    right: bool,
    now: i64,
) -> Result<ReviewItem, StoreError> {
    let old = store.review_item(item)?;
    let it = next(old.as_ref(), item, right, now);
    store.put_review_item(&it)?;
    Ok(it)
}

/// A scenario goal that `check` found unmet becomes a drill item, due now: drill then shows
/// "revisit scenario X: goal Y" until the goal is met (see [`record_goal_result`]).
pub fn add_goal_drill(
    store: &mut Store,
    scenario_id: &str,
    goal_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let item = goal_item(scenario_id, goal_id);
    let mut it = next(store.review_item(&item)?.as_ref(), &item, false, now);
    // Due at once, not after the first learning step: the learner should go back to it.
    it.due = now;
    store.put_review_item(&it)
}

/// When a goal that is a drill item is graded again: met → rated Easy (a goal met in the
/// simulator is shown mastered: it comes back in days, then later and later), unmet → Again.
/// Goals that are no drill item are left alone.
pub fn record_goal_result(
    store: &mut Store,
    scenario_id: &str,
    goal_id: &str,
    met: bool,
    now: i64,
) -> Result<(), StoreError> {
    let item = goal_item(scenario_id, goal_id);
    match store.review_item(&item)? {
        Some(old) => {
            let rating = if met { Rating::Easy } else { Rating::Again };
            let mut it = step(Some(&old), &item, rating, now);
            if !met {
                it.due = now;
            }
            store.put_review_item(&it)
        }
        None => Ok(()),
    }
}

/// Review items due by the end of today (UTC), earliest first.
pub fn due_items(store: &Store, now: i64) -> Result<Vec<ReviewItem>, StoreError> {
    store.due_items(day_end(now))
}

/// How many review items (questions and scenario goals) are due by the end of today (UTC),
/// for the home screen. A store that cannot be read counts as nothing due.
pub fn due_today(store: &Store, now: i64) -> usize {
    due_items(store, now).map(|v| v.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const T0: i64 = 1_800_000_000;

    fn tmp(name: &str) -> std::path::PathBuf {
        let d =
            std::env::temp_dir().join(format!("ec2-tutor-schedule-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn right_answers_push_the_next_review_further_out_and_wrong_ones_bring_it_back() {
        let a = next(None, "q", true, T0);
        assert!(a.due > T0);
        let b = next(Some(&a), "q", true, a.due);
        let c = next(Some(&b), "q", true, b.due);
        assert!(c.due - b.due > b.due - a.due, "{a:?} {b:?} {c:?}");
        assert!(c.due - c.last_review >= DAY);
        let lapse = next(Some(&c), "q", false, c.due);
        assert!(lapse.due - c.due < DAY);
        assert_eq!(lapse.lapses, 1);
        // Pure: the same inputs give the same item.
        assert_eq!(next(Some(&c), "q", false, c.due), lapse);
    }

    #[test]
    fn goal_drills_are_due_at_once_and_counted_today() {
        let dir = tmp("goal");
        let mut s = Store::open(&dir).unwrap();
        assert_eq!(due_today(&s, T0), 0);
        add_goal_drill(&mut s, "sg-ssh-from-bastion", "no-ssh-world", T0).unwrap();
        review(&mut s, "q1", false, T0).unwrap();
        assert_eq!(due_today(&s, T0), 2);
        let items = due_items(&s, T0).unwrap();
        assert_eq!(items[0].item, "goal:sg-ssh-from-bastion/no-ssh-world");
        assert_eq!(
            parse_goal_item(&items[0].item),
            Some(("sg-ssh-from-bastion", "no-ssh-world"))
        );
        record_goal_result(&mut s, "sg-ssh-from-bastion", "no-ssh-world", true, T0 + 60).unwrap();
        record_goal_result(&mut s, "other", "goal", true, T0).unwrap();
        assert!(s.review_item("goal:other/goal").unwrap().is_none());
        // Far in the future everything is due again.
        assert_eq!(due_today(&s, T0 + 400 * DAY), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_day_ends_at_midnight_utc() {
        assert_eq!(day_end(0), DAY - 1);
        assert_eq!(day_end(DAY), 2 * DAY - 1);
        assert_eq!(day_end(-1), -1);
    }
}
