//! A link's problems are found while the page first loads, before the Chinese texts have
//! arrived (`zh.txt` is fetched when a page first needs it), so they are written in
//! English; once the texts are there the page shows them through `i18n::retranslate`. This
//! test opens bad links and checks that what the page then shows is word for word what the
//! problems say when written in Chinese from the start.
use dsviz::i18n::{retranslate, with_lang, Lang};
use dsviz::scene::RunSpec;

/// A bad link's problems: those of the link itself, then those of building its run.
fn problems_of(link: &str) -> Vec<String> {
    let (mut spec, mut problems) = RunSpec::from_query(link);
    problems.extend(dsviz::scene::build(&mut spec).problems);
    problems
}

#[test]
fn link_problems_written_before_the_chinese_texts_read_as_if_written_in_chinese() {
    let links = [
        "?scene=2pc&sc=coordinator-crash",
        "?scene=raft&sc=nope",
        "?scene=nope",
        "?scene=locks&seed=x",
        "?scene=raft&n=4",
        "?scene=2pc&n=0",
        "?scene=ring&step=abc",
        "?scene=paxos&seed=-1",
        "?scene=balance&step=99999999999",
        "?scene=queue&a=garbage",
    ];
    let mut checked = 0;
    for link in links {
        let english = with_lang(Lang::En, || problems_of(link));
        let chinese = with_lang(Lang::Zh, || problems_of(link));
        assert!(!english.is_empty(), "{link} is a bad link");
        assert_eq!(english.len(), chinese.len(), "{link}");
        for (english, chinese) in english.iter().zip(&chinese) {
            assert_ne!(english, chinese, "{link}: the problem has its Chinese");
            let shown = with_lang(Lang::Zh, || retranslate(english));
            assert_eq!(&shown, chinese, "{link}: {english}");
            checked += 1;
        }
    }
    assert!(checked >= links.len());
}

#[test]
fn retranslate_leaves_english_pages_unknown_texts_and_chinese_texts_alone() {
    let problem = "There is no scenario \"x\" in Raft; showing the plain scene.";
    assert_eq!(with_lang(Lang::En, || retranslate(problem)), problem);
    let unknown = "Something no catalogue says";
    assert_eq!(with_lang(Lang::Zh, || retranslate(unknown)), unknown);
    let chinese = with_lang(Lang::Zh, || retranslate(problem));
    assert!(chinese.contains('x') && chinese != problem, "{chinese}");
    assert_eq!(with_lang(Lang::Zh, || retranslate(&chinese)), chinese);
}
