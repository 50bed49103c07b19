//! The segment pattern language, parsed with nom.
//!
//! ```text
//! pattern  = item (' '+ item)*
//! item     = literal | segment
//! literal  = "'" [^']+ "'"
//! segment  = name ':' class count?
//! class    = '@' alphabet | '[' (range | '@' alphabet | char)+ ']'
//! count    = '{' n '}' | '{' n ',' m '}' | '?'
//! ```

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while1},
    character::complete::{char, digit1, none_of, satisfy, space0, space1},
    combinator::{all_consuming, cut, map, map_res, opt, recognize},
    multi::{many1, separated_list1},
    sequence::{delimited, pair, preceded, separated_pair, terminated},
};

/// The longest a segment may repeat: values longer than this are not serials.
pub const MAX_REPEAT: u8 = 64;

/// A set of ASCII characters, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CharSet(u128);

impl CharSet {
    /// The set holding the characters of `chars` (non-ASCII ones are ignored).
    pub fn of(chars: &str) -> CharSet {
        chars.chars().fold(CharSet::default(), |set, c| set.with(c))
    }

    /// The characters from `lo` to `hi`, inclusive.
    pub fn range(lo: char, hi: char) -> CharSet {
        (lo..=hi).fold(CharSet::default(), |set, c| set.with(c))
    }

    /// This set plus `c`.
    pub fn with(self, c: char) -> CharSet {
        if c.is_ascii() { CharSet(self.0 | 1 << c as u32) } else { self }
    }

    /// Both sets together.
    pub fn union(self, other: CharSet) -> CharSet {
        CharSet(self.0 | other.0)
    }

    /// Whether `c` is in the set.
    #[inline]
    pub fn contains(self, c: char) -> bool {
        (c as u32) < 128 && self.0 & (1 << c as u32) != 0
    }

    /// Number of characters in the set.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The characters in ascending order.
    pub fn chars(self) -> impl Iterator<Item = char> {
        (0u8..128).filter(move |&b| self.0 & (1 << b) != 0).map(char::from)
    }

    /// The set with letters in both cases.
    pub fn case_folded(self) -> CharSet {
        self.chars().fold(self, |set, c| set.with(c.to_ascii_uppercase()).with(c.to_ascii_lowercase()))
    }

    /// A compact description: `0-9 A-H J-N P-Z`.
    pub fn describe(self) -> String {
        let chars: Vec<char> = self.chars().collect();
        let mut parts = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let mut j = i;
            // Runs stay within digits, upper or lower case: `0-9 :`, not `0-:`.
            let class = |c: char| (c.is_ascii_digit(), c.is_ascii_uppercase(), c.is_ascii_lowercase());
            while j + 1 < chars.len()
                && chars[j + 1] as u32 == chars[j] as u32 + 1
                && class(chars[j + 1]) == class(chars[j])
                && chars[j].is_ascii_alphanumeric()
            {
                j += 1;
            }
            parts.push(match j - i {
                0 => chars[i].to_string(),
                1 => format!("{} {}", chars[i], chars[j]),
                _ => format!("{}-{}", chars[i], chars[j]),
            });
            i = j + 1;
        }
        parts.join(" ")
    }
}

/// A named alphabet, `@digit` and friends.
pub fn alphabet(name: &str) -> Option<CharSet> {
    let upper = CharSet::range('A', 'Z');
    let digit = CharSet::range('0', '9');
    Some(match name {
        "digit" => digit,
        "upper" => upper,
        "lower" => CharSet::range('a', 'z'),
        "alpha" => upper.union(CharSet::range('a', 'z')),
        "alnum" | "base36" => digit.union(upper),
        "hex" => digit.union(CharSet::range('A', 'F')),
        "base34" => digit.union(CharSet::of("ABCDEFGHJKLMNPQRSTUVWXYZ")),
        "base31" => digit.union(CharSet::of("BCDFGHJKLMNPQRSTVWXYZ")),
        _ => return None,
    })
}

/// One item of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A named run of characters from one class.
    Segment {
        /// The segment's name, used by decoders and in messages.
        name: String,
        /// The characters it accepts.
        class: CharSet,
        /// Fewest characters.
        min: u8,
        /// Most characters.
        max: u8,
    },
    /// Fixed text.
    Literal(String),
}

impl Item {
    /// Fewest and most characters this item takes.
    pub fn bounds(&self) -> (usize, usize) {
        match self {
            Item::Segment { min, max, .. } => (*min as usize, *max as usize),
            Item::Literal(text) => (text.len(), text.len()),
        }
    }
}

/// A parsed pattern: the items in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The items, left to right.
    pub items: Vec<Item>,
}

/// Why a pattern did not parse: a message and the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// What is wrong.
    pub message: String,
    /// Byte offset into the pattern text.
    pub offset: usize,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl Pattern {
    /// Parses a pattern, checking segment names are unique and counts are sane.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let parsed = all_consuming(delimited(space0, separated_list1(space1, item), space0))
            .parse(text)
            .map_err(|err| {
                let rest = match &err {
                    nom::Err::Error(e) | nom::Err::Failure(e) => e.input,
                    nom::Err::Incomplete(_) => "",
                };
                PatternError { message: describe_failure(rest), offset: text.len() - rest.len() }
            })?;
        let items = parsed.1;
        let mut seen = std::collections::BTreeSet::new();
        for item in &items {
            if let Item::Segment { name, min, max, class } = item {
                let offset = text.find(&format!("{name}:")).unwrap_or(0);
                let fail = |message: String| Err(PatternError { message, offset });
                if !seen.insert(name.clone()) {
                    return fail(format!("segment '{name}' appears twice"));
                }
                if min > max || *max == 0 || *max > MAX_REPEAT {
                    return fail(format!(
                        "segment '{name}' repeats {min} to {max} times; use 1 to {MAX_REPEAT}"
                    ));
                }
                if class.is_empty() {
                    return fail(format!("segment '{name}' has an empty class"));
                }
            }
        }
        Ok(Pattern { items })
    }

    /// Fewest and most characters a matching value has.
    pub fn bounds(&self) -> (usize, usize) {
        self.items.iter().fold((0, 0), |(lo, hi), item| {
            let (a, b) = item.bounds();
            (lo + a, hi + b)
        })
    }

    /// The index of the segment called `name`.
    pub fn segment_index(&self, name: &str) -> Option<usize> {
        self.items.iter().position(|item| matches!(item, Item::Segment { name: n, .. } if n == name))
    }
}

fn describe_failure(rest: &str) -> String {
    match rest.chars().next() {
        None => "pattern ends too early".to_string(),
        Some('@') => format!(
            "unknown alphabet '{}'; known: digit upper lower alpha alnum hex base31 base34 base36",
            rest[1..].split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("")
        ),
        Some(c) => format!("unexpected '{c}' in pattern"),
    }
}

// item = literal | segment
fn item(input: &str) -> IResult<&str, Item> {
    alt((literal, segment)).parse(input)
}

// literal = "'" [^']+ "'"
fn literal(input: &str) -> IResult<&str, Item> {
    map(preceded(char('\''), cut(terminated(recognize(many1(none_of("'"))), char('\'')))), |text: &str| {
        Item::Literal(text.to_string())
    })
    .parse(input)
}

// segment = name ':' class count?
fn segment(input: &str) -> IResult<&str, Item> {
    let (rest, (name, (class, count))) =
        separated_pair(name, char(':'), cut(pair(class, opt(count)))).parse(input)?;
    let (min, max) = count.unwrap_or((1, 1));
    Ok((rest, Item::Segment { name: name.to_string(), class, min, max }))
}

// name = [a-z] [a-z0-9_]*
fn name(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        satisfy(|c| c.is_ascii_lowercase()),
        opt(take_while1(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
    ))
    .parse(input)
}

// class = '@' alphabet | '[' (range | '@' alphabet | char)+ ']'
fn class(input: &str) -> IResult<&str, CharSet> {
    alt((
        named_alphabet,
        delimited(
            char('['),
            map(many1(set_part), |parts| parts.into_iter().fold(CharSet::default(), CharSet::union)),
            char(']'),
        ),
    ))
    .parse(input)
}

// '@' alphabet
fn named_alphabet(input: &str) -> IResult<&str, CharSet> {
    preceded(tag("@"), map_res(take_while1(|c: char| c.is_ascii_alphanumeric()), |n| alphabet(n).ok_or(())))
        .parse(input)
}

// range | '@' alphabet | char | ' '   (a char is printable ASCII other than [ ] @ -; spaces are ignored)
fn set_part(input: &str) -> IResult<&str, CharSet> {
    let plain = || satisfy(|c| c.is_ascii_graphic() && !"[]@-".contains(c));
    alt((
        map(separated_pair(plain(), char('-'), plain()), |(lo, hi)| CharSet::range(lo, hi)),
        named_alphabet,
        map(plain(), |c| CharSet::default().with(c)),
        map(char(' '), |_| CharSet::default()),
    ))
    .parse(input)
}

// count = '{' n '}' | '{' n ',' m '}' | '?'
fn count(input: &str) -> IResult<&str, (u8, u8)> {
    let number = || map_res(digit1, |d: &str| d.parse::<u8>());
    alt((
        map(char('?'), |_| (0, 1)),
        delimited(
            char('{'),
            cut(alt((separated_pair(number(), char(','), number()), map(number(), |n| (n, n))))),
            char('}'),
        ),
    ))
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(name: &str, class: &str, min: u8, max: u8) -> Item {
        Item::Segment { name: name.into(), class: CharSet::of(class), min, max }
    }

    #[test]
    fn literal_keeps_rest() {
        assert_eq!(literal("'1S' x"), Ok((" x", Item::Literal("1S".into()))));
        assert!(literal("'unclosed").is_err());
    }

    #[test]
    fn segment_with_counts() {
        assert_eq!(segment("year:@digit{2} rest"), Ok((" rest", seg("year", "0123456789", 2, 2))));
        assert_eq!(segment("x:[AB]?"), Ok(("", seg("x", "AB", 0, 1))));
        assert_eq!(segment("x:[A-C]{1,3}"), Ok(("", seg("x", "ABC", 1, 3))));
    }

    #[test]
    fn class_sets_combine_ranges_and_alphabets() {
        assert_eq!(class("[@digit X]").unwrap(), ("", CharSet::of("0123456789X")));
        let (rest, set) = class("[X@digit]").unwrap();
        assert_eq!(rest, "");
        assert_eq!(set, CharSet::of("0123456789X"));
        assert_eq!(class("[C-HJ]").unwrap().1, CharSet::of("CDEFGHJ"));
    }

    #[test]
    fn name_rules() {
        assert_eq!(name("plant_2:"), Ok((":", "plant_2")));
        assert!(name("2x").is_err());
    }

    #[test]
    fn whole_pattern() {
        let p = Pattern::parse("plant:@upper{3} '-' seq:@digit{2,4}").unwrap();
        assert_eq!(p.items.len(), 3);
        assert_eq!(p.bounds(), (6, 8));
        assert_eq!(p.segment_index("seq"), Some(2));
    }

    #[test]
    fn errors_point_at_the_culprit() {
        let err = Pattern::parse("a:@digit b:@nope").unwrap_err();
        assert_eq!(err.offset, 11);
        assert!(err.message.starts_with("unknown alphabet 'nope'"), "{}", err.message);
        let err = Pattern::parse("a:@digit a:@digit").unwrap_err();
        assert_eq!(err.message, "segment 'a' appears twice");
        let err = Pattern::parse("a:@digit{3,2}").unwrap_err();
        assert_eq!(err.message, "segment 'a' repeats 3 to 2 times; use 1 to 64");
        assert!(Pattern::parse("").is_err());
        assert!(Pattern::parse("a:@digit junk").is_err());
    }

    #[test]
    fn describe_compacts_ranges() {
        assert_eq!(alphabet("base34").unwrap().describe(), "0-9 A-H J-N P-Z");
        assert_eq!(CharSet::of("AB").describe(), "A B");
    }
}
