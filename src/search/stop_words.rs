//! Stop words: the words of a language that say little about which article answers a
//! request, and the filler of support requests ("need", "get", "please", "vajag", "prosim").
//!
//! They are weighed, never deleted. Deleting them hurts short questions, where "how" or
//! "what" matches an FAQ title; but a request made only of them, or an article that shares
//! nothing else with a request, is no suggestion (see [`super::ranking`]).
//!
//! Lists are written as people spell the words; lookups fold both sides, so a customer who
//! types "vel" finds "vēl" and "ещё" is "еще".

use std::collections::HashSet;
use std::sync::LazyLock;

use super::analyzers::{Lang, fold_lower, term_for_word};

const ENGLISH: &str = "
    a about above after again against all almost already also although always am among an
    and another any anybody anyone anything anyway are around as at be because been before
    being below between both but by can cannot cant could couldnt did didnt do does doesnt
    doing dont during each either else even ever every everyone everything few for from
    further had hadnt has hasnt have havent having he her here hers herself him himself his
    how however i if im in into is isnt it its itself ive just least less let lets many may
    maybe me might more most much must my myself neither no nobody none nor not nothing
    now of often on once only or other others otherwise our ours ourselves own perhaps quite
    rather really same shall she should shouldnt since so some somebody someone something
    sometimes still such than that thats the their theirs them themselves then there theres
    these they theyre this those though through thus to too toward towards under unless until
    upon us very via was wasnt we were werent what whatever when whenever where whether which
    while who whole whom whose why will with within without wont would wouldnt yet you youd
    youll your youre yours yourself yourselves youve
    able ago anyhow dear get gets getting got gotten hello help hey hi keep kind know like
    need needed needs please regards seem seems tell thank thanks thx tried try trying want
    wanted wants way
";

const RUSSIAN: &str = "
    а без более бы был была были было быть в вам вас ваш ваша ваше ваши вдруг ведь во вот
    впрочем все всегда всего всех всю вы где да даже для до его ее ей ему если есть еще же
    за зачем здесь и из или им их к как какая какой когда конечно кто куда ли либо лучше меня
    мне много может можно мой моя мое мои моего моих мы на над надо наконец нас наш наша наше
    наши не него нее ней нельзя нет ни нибудь никогда ним них ничего но ну о об один он она
    они оно опять от перед по под после потом потому почему почти при про раз разве с сам
    свой свою себе себя сейчас со совсем так также такой там тебя тем теперь то тогда того
    тоже только том тот ту тут ты у уж уже хоть чего чем через что чтоб чтобы чуть эта эти
    это этого этой этом этот эту я
    вчера добрый день здравствуйте могу можете надо нужно нужна нужен пожалуйста
    помогите подскажите привет просто снова сегодня спасибо хотел хотела хочу очень
";

const LATVIAN: &str = "
    aiz ap ar arī bet bez bija bijām bijāt biju būs būsim būt būtu caur cik cita citas citi
    citu dēļ es esam esat esmu gan gar ir iekš ja jā jau jo jūs jūsu jums kā kad kādēļ kāds
    kāda kādu ka kam kamēr kāpēc kas katrs kaut ko kopš kur kura kurā kuras kuri kurš kuru lai ļoti man
    mani manis mans mana manā manu mēs mums mūsu nav ne nē nedz nekā nekad nekas neko nekur
    neviens nevis no nu pa pār par pat pats pēc pie pirms pret priekš sava savā savs savu šeit
    šī šie šim šīs šis šo starp tā tad tai tajā tam tāpēc tas tās tātad te tev tevi tie tiek
    tika tik tikai tiks tikt to tomēr tos tu tur uz un vai var varam varat varētu varu vēl
    vien viņa viņai viņam viņas viņi viņš viņu virs visas visi viss visu zem
    atkal labdien lūdzu nevar nevaru paldies sveiki sveiks tagad vajadzētu vajag vajadzīgs
    vienkārši vienmēr vispār šodien šobrīd šorīt vakar
";

const LITHUANIAN: &str = "
    aš ant apie ar arba be bei bet bus būti būtų buvo čia dabar dar del dėl gal gali galima
    galiu gi iki ir iš į jai jam jau jei jeigu ji jie jiems jis jo jos jų jūs jūsų juk kad
    kada kai kaip kas kažkas kiek kiekvienas kita kitas kiti kodėl koks kokia kol kur kuri
    kurie kuris man mane mano mes mums na ne negaliu net nėra niekas nieko nes nors nuo o pas
    pat per po prie prieš su šie ši šis taip tai tarp tas ta tau tave tavo ten tie tik todėl
    tu už vis visa visas visi viskas yra
    ačiū labas laba noriu norėčiau prašau reikia sveiki šiandien vakar vėl
";

const SLOVENIAN: &str = "
    a ali ampak bi bil bila bile bili bilo biti bo bodo bom bomo boste boš brez čez če da do
    ga h in iz ja jaz je jih jim jo ju k kaj kako kar kateri katera katero kdaj kdo ker kje
    ko koliko kot le med me mene meni mi mimo moj moja moje moji mojo mu na nad naj nam nas
    naš naša naše ne nekaj nekdo ni nič nihče njega njej njemu njo no o od on ona oni ono pa
    pač po pod potem pred pri proti s saj se sem si skozi smo so sta ste sva svoj svoja svoje
    svojo še ta tako tam te tega tej tem temu ti tisti tista tisto to torej tu tudi tukaj v
    vam vas vaš vaša vaše vašega vedno vendar vi vse vsi z za zakaj zaradi zato zelo že
    danes dobil dobila dobim dobiti hvala hočem imam imate lahko mogoče moram morem nato
    potrebujem pozdravljeni prosim rabim res sedaj sploh spet včeraj želim zdaj znova
";

fn set(words: &str) -> HashSet<String> {
    words.split_whitespace().map(fold_lower).collect()
}

static SETS: LazyLock<[HashSet<String>; 5]> = LazyLock::new(|| {
    [
        set(ENGLISH),
        set(RUSSIAN),
        set(LATVIAN),
        set(LITHUANIAN),
        set(SLOVENIAN),
    ]
});

/// Each language's stop words that its analyzer indexes as they are written ("pas" in
/// Lithuanian, "the" in English). Words the stemmer changes are left out: English "quite"
/// stems to "quit", which "quitting" reaches too.
static TERMS: LazyLock<[HashSet<String>; 6]> = LazyLock::new(|| {
    Lang::ALL.map(|lang| match lang {
        Lang::Other => SETS.iter().flatten().cloned().collect(),
        _ => list(lang)
            .into_iter()
            .flatten()
            .filter(|w| term_for_word(lang, w) == **w)
            .cloned()
            .collect(),
    })
});

fn list(lang: Lang) -> Option<&'static HashSet<String>> {
    let i = match lang {
        Lang::En => 0,
        Lang::Ru => 1,
        Lang::Lv => 2,
        Lang::Lt => 3,
        Lang::Sl => 4,
        Lang::Other => return None,
    };
    SETS.get(i)
}

/// Whether a folded word is a stop word of `lang`; with no language (a request searched in
/// every language, or one whose language has no list), of any language.
pub(crate) fn is_stop_word(lang: Option<Lang>, folded: &str) -> bool {
    match lang.and_then(list) {
        Some(words) => words.contains(folded),
        None => SETS.iter().any(|words| words.contains(folded)),
    }
}

/// Whether an index term of `lang` is the term of one of its stop words: a request's word
/// that merely stems to one ("pass" → Lithuanian "pas") is filler in that language.
pub(crate) fn is_stop_term(lang: Lang, term: &str) -> bool {
    TERMS
        .get(lang.index())
        .is_some_and(|terms| terms.contains(term))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzers::for_each_word;

    #[test]
    fn every_language_has_its_function_words_and_support_filler() {
        for (lang, words) in [
            (Lang::En, ["the", "how", "need", "get", "before"]),
            (Lang::Ru, ["и", "как", "нужно", "еще", "пожалуиста"]),
            (Lang::Lv, ["un", "kas", "vajag", "vel", "lai"]),
            (Lang::Lt, ["ir", "kas", "reikia", "kad", "aciu"]),
            (Lang::Sl, ["in", "kaj", "potrebujem", "ze", "prosim"]),
        ] {
            for word in words {
                assert!(is_stop_word(Some(lang), word), "{lang:?}: {word}");
            }
        }
    }

    #[test]
    fn content_words_are_not_stop_words() {
        for (lang, word) in [
            (Lang::En, "password"),
            (Lang::En, "down"),
            (Lang::En, "sign"),
            (Lang::Ru, "пароль"),
            (Lang::Lv, "parole"),
            (Lang::Lt, "slaptazodis"),
            (Lang::Sl, "geslo"),
        ] {
            assert!(!is_stop_word(Some(lang), word), "{lang:?}: {word}");
            assert!(!is_stop_word(None, word), "{word}");
        }
    }

    #[test]
    fn index_terms_of_stop_words_are_known_per_language() {
        assert!(is_stop_term(Lang::Lt, &term_for_word(Lang::Lt, "pas")));
        assert!(is_stop_term(Lang::Lt, &term_for_word(Lang::Lt, "pass")));
        assert!(!is_stop_term(Lang::En, &term_for_word(Lang::En, "pass")));
        assert!(!is_stop_term(
            Lang::En,
            &term_for_word(Lang::En, "quitting")
        ));
        assert!(is_stop_term(Lang::Other, "the"));
    }

    #[test]
    fn without_a_language_any_list_counts() {
        assert!(is_stop_word(None, "the"));
        assert!(is_stop_word(None, "vajag"));
        assert!(!is_stop_word(Some(Lang::Lv), "the"));
        assert!(is_stop_word(Some(Lang::Other), "и"));
    }

    #[test]
    fn every_entry_is_one_word_as_the_analyzer_splits_text() {
        for list in [ENGLISH, RUSSIAN, LATVIAN, LITHUANIAN, SLOVENIAN] {
            for entry in list.split_whitespace() {
                let mut words = Vec::new();
                for_each_word(entry, |from, to| words.push(&entry[from..to]));
                assert_eq!(words, [entry]);
            }
        }
    }
}
