//! Bad input never panics: random words, flags and shorthand/JSON values fed to `aws::run`
//! end in a clean error or a success, and a failed call leaves the account as it was.

mod aws_fixture;

use aws_fixture::*;
use ec2_tutor::aws::{self, Ctx};
use proptest::prelude::*;

fn command_names() -> Vec<String> {
    let mut v: Vec<String> = aws::commands().iter().map(|c| c.name.to_string()).collect();
    v.push("describe-vpc".into());
    v
}

fn flag_names() -> Vec<String> {
    let mut v: Vec<String> = aws::commands()
        .iter()
        .flat_map(|c| c.flag_names())
        .collect();
    v.extend(aws::global_flag_names());
    v.sort();
    v.dedup();
    v
}

/// Values that look like what learners type, and garbage.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sg-0123456789abcdef0".to_string()),
        Just("acl-0123456789abcdef0".to_string()),
        Just("i-0123456789abcdef0".to_string()),
        Just("tcp".to_string()),
        Just("-1".to_string()),
        Just("0.0.0.0/0".to_string()),
        "-?[0-9]{1,6}(-[0-9]{1,6})?",
        "[A-Za-z]{1,8}=[^ ]{0,12}(,[A-Za-z]{1,8}=[^ ]{0,12}){0,3}",
        "IpProtocol=(tcp|udp|icmp|-1|x),FromPort=-?[0-9]{1,5},ToPort=-?[0-9]{1,5},(IpRanges|Ipv6Ranges|UserIdGroupPairs|PrefixListIds)=\\[\\{(CidrIp|CidrIpv6|GroupId|GroupName|PrefixListId|Description)=[^ ]{0,20}\\}\\]",
        "[\\[\\]{}:,\"a-zA-Z0-9=. -]{0,40}",
        any::<String>(),
    ]
}

fn line() -> impl Strategy<Value = Vec<String>> {
    let cmds = command_names();
    let flags = flag_names();
    (
        prop::sample::select(cmds),
        prop::collection::vec(
            (
                prop::sample::select(flags),
                prop::collection::vec(value(), 0..3),
            ),
            0..6,
        ),
    )
        .prop_map(|(cmd, flags)| {
            let mut words = vec!["ec2".to_string(), cmd];
            for (f, vs) in flags {
                words.push(f);
                words.extend(vs);
            }
            words
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn commands_never_panic(words in line()) {
        let mut w = World::new();
        let before = w.account.clone();
        let mut ctx = Ctx { account: &mut w.account, ids: &mut w.ids };
        let got = aws::run(&mut ctx, &words);
        match got {
            Ok(s) => {
                prop_assert!(s.output.is_object() || s.output.is_array() || s.output.is_null() || s.output.is_string() || s.output.is_number() || s.output.is_boolean());
                prop_assert_eq!(s.changed, w.account != before);
            }
            Err(e) => {
                prop_assert!(!e.code.is_empty());
                prop_assert!(!e.to_string().is_empty());
                prop_assert_eq!(&w.account, &before);
            }
        }
    }

    #[test]
    fn any_words_never_panic(words in prop::collection::vec(any::<String>(), 0..8)) {
        let mut w = World::new();
        let mut ctx = Ctx { account: &mut w.account, ids: &mut w.ids };
        let _ = aws::run(&mut ctx, &words);
    }
}
