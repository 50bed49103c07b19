//! CSV records read as the csv crate reads them (a CR, LF or CRLF ends a record, a quoted field
//! may hold delimiters, line breaks and doubled quotes, a UTF-8 byte-order mark at the start is
//! dropped), except that the blank lines before each record are counted rather than skipped:
//! a spreadsheet shows each as a row.
//!
//! Most lines of an inventory hold no quote. Such a line is one record whatever came before
//! it, so it is split at its delimiters, eight bytes at a time. A record whose quotes are the usual
//! ones (each opening a field and closing it before a delimiter or a line break) is unquoted
//! here too; any other goes through csv_core's state machine, which looks at every byte in
//! turn. Either way the record starts where the last one ended, so the two never disagree on
//! where records are.

use std::io::{self, Read};

/// The records of one CSV source, read one at a time; a record's fields are valid until the
/// next is read.
pub struct Records {
    source: Box<dyn Read + Send>,
    /// Bytes read from `source`: `buf[at..filled]` are not yet consumed.
    buf: Vec<u8>,
    at: usize,
    filled: usize,
    /// The source offset of `buf[0]`.
    base: u64,
    /// `source` has no more bytes.
    eof: bool,
    delimiter: u8,
    /// For the records with a quote: the state machine, and the fields it unquotes.
    core: csv_core::Reader,
    unquoted: Vec<u8>,
    ends: Vec<usize>,
    /// Where the current record's fields are: a line of `buf`, or `unquoted`.
    line: Option<(usize, usize)>,
    /// The current record's fields, as ranges of its bytes.
    bounds: Vec<(usize, usize)>,
    /// The current record's bytes are ASCII without a NUL.
    plain: bool,
    /// The last byte consumed is a CR: an LF right after it finishes that line break.
    after_cr: bool,
    started: bool,
    /// The current record ended inside quotes: the file ended before a quote closed.
    in_quotes: bool,
}

/// Where the quoting of a record read by the state machine stands, byte by byte: to tell the
/// one record whose field the end of the file cut short inside quotes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field, or doubles with the next.
    QuoteInQuoted,
}

impl Quoting {
    /// The state after byte `b`, as csv_core reads it: a quote opens a quoted field only at the
    /// start of a field, and a quote after a quote in one doubles it; both before the delimiter
    /// is looked for, as it may be the quote too.
    fn after(self, b: u8, delimiter: u8) -> Quoting {
        use Quoting::*;
        match self {
            FieldStart if b == b'"' => Quoted,
            QuoteInQuoted if b == b'"' => Quoted,
            FieldStart | Unquoted | QuoteInQuoted if b == delimiter => FieldStart,
            Quoted if b == b'"' => QuoteInQuoted,
            Quoted => Quoted,
            FieldStart | Unquoted | QuoteInQuoted => Unquoted,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a record's fields are: a range of its bytes each.
pub type Bounds = [(usize, usize)];

impl Records {
    /// Reads `source` with fields separated by `delimiter`.
    pub fn new(source: Box<dyn Read + Send>, delimiter: u8) -> Records {
        Records::with_buffer(source, delimiter, 1 << 16)
    }

    /// [`Records::new`] reading `buffer` bytes at a time (the buffer grows for longer lines).
    fn with_buffer(source: Box<dyn Read + Send>, delimiter: u8, buffer: usize) -> Records {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // The state machine drops a byte-order mark at the start of what it is first given, but
        // it is first given a record from the middle of the file; the mark at the start is
        // dropped here. A line break alone leaves it at the start of a record.
        let _ = core.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
        Records {
            source,
            buf: vec![0; buffer.max(1)],
            at: 0,
            filled: 0,
            base: 0,
            eof: false,
            delimiter,
            core,
            unquoted: Vec::new(),
            ends: vec![0; 64],
            line: None,
            bounds: Vec::new(),
            plain: false,
            after_cr: false,
            started: false,
            in_quotes: false,
        }
    }

    /// The field delimiter.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// How many bytes of the source have been consumed.
    pub fn position(&self) -> u64 {
        self.base + self.at as u64
    }

    /// Reads the next record: how many blank lines came before it, or `None` at the end (blank
    /// lines at the end come before no record).
    pub fn next_record(&mut self) -> io::Result<Option<u64>> {
        if !self.started {
            self.started = true;
            while self.filled < BOM.len() && self.refill()? {}
            if self.buf[..self.filled].starts_with(BOM) {
                self.at = BOM.len();
            }
        }
        let mut blank = 0;
        loop {
            if self.at == self.filled && !self.refill()? {
                return Ok(None);
            }
            let b = self.buf[self.at];
            match b {
                b'\n' if self.after_cr => {}
                b'\r' | b'\n' => blank += 1,
                _ => break,
            }
            self.after_cr = b == b'\r';
            self.at += 1;
        }
        self.in_quotes = false;
        loop {
            let rest = &self.buf[self.at..self.filled];
            let found = memchr::memchr3(b'\n', b'\r', b'"', rest).map(|i| (i, rest[i]));
            match found {
                Some((_, b'"')) => {
                    if !self.read_simply_quoted() {
                        self.read_quoted()?;
                    }
                    return Ok(Some(blank));
                }
                Some((i, end)) => {
                    self.split_line(self.at, self.at + i);
                    self.after_cr = end == b'\r';
                    self.at += i + 1;
                    return Ok(Some(blank));
                }
                None if self.eof => {
                    self.split_line(self.at, self.filled);
                    self.after_cr = false;
                    self.at = self.filled;
                    return Ok(Some(blank));
                }
                None => {
                    self.refill()?;
                }
            }
        }
    }

    /// Whether the current record ended inside quotes: a quote never closed swallowed the
    /// rest of the file into its field, the last.
    pub fn ended_in_quotes(&self) -> bool {
        self.in_quotes
    }

    /// The current record's field count.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// The current record's fields.
    pub fn fields(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        let bytes = self.bytes();
        self.bounds.iter().map(move |&(s, e)| &bytes[s..e])
    }

    /// The current record's bytes and its fields' ranges of them, when all of it is ASCII
    /// without a NUL (the usual case), so that no field needs looking at on its own.
    pub fn plain_fields(&self) -> Option<(&[u8], &Bounds)> {
        self.plain.then(|| (self.bytes(), self.bounds.as_slice()))
    }

    fn bytes(&self) -> &[u8] {
        match self.line {
            Some((start, end)) => &self.buf[start..end],
            None => &self.unquoted,
        }
    }

    /// A record that is the line `buf[start..end]`, which holds no quote.
    fn split_line(&mut self, start: usize, end: usize) {
        self.line = Some((start, end));
        self.plain = split_plain_line(&self.buf[start..end], self.delimiter, &mut self.bounds);
    }

    /// A record with a quote in its first line, read here when its quotes are the usual ones:
    /// each opens a field and closes it just before a delimiter or a line break, with any quote
    /// inside doubled, all in the buffer. False, and nothing consumed, when they are not: the
    /// state machine then reads the record.
    fn read_simply_quoted(&mut self) -> bool {
        let data = &self.buf[self.at..self.filled];
        let (out, bounds) = (&mut self.unquoted, &mut self.bounds);
        out.clear();
        bounds.clear();
        let mut i = 0;
        loop {
            let start = out.len();
            if data.get(i) == Some(&b'"') {
                i += 1;
                loop {
                    let Some(close) = memchr::memchr(b'"', &data[i..]) else { return false };
                    out.extend_from_slice(&data[i..i + close]);
                    i += close + 1;
                    if data.get(i) != Some(&b'"') {
                        break;
                    }
                    out.push(b'"');
                    i += 1;
                }
            } else {
                // Outside quotes a quote is a character like any other.
                let from = i;
                match memchr::memchr3(self.delimiter, b'\r', b'\n', &data[i..]) {
                    Some(end) => i += end,
                    None if self.eof => i = data.len(),
                    None => return false,
                }
                out.extend_from_slice(&data[from..i]);
            }
            bounds.push((start, out.len()));
            match data.get(i) {
                Some(&b) if b == self.delimiter => i += 1,
                Some(&b) if b == b'\r' || b == b'\n' => {
                    self.after_cr = b == b'\r';
                    i += 1;
                    break;
                }
                None if self.eof => {
                    self.after_cr = false;
                    break;
                }
                // A quote closed before other characters, or the record goes on past the buffer.
                _ => return false,
            }
        }
        self.at += i;
        self.line = None;
        self.plain = plain_ascii(out);
        true
    }

    /// A record with a quote in its first line, through the state machine.
    fn read_quoted(&mut self) -> io::Result<()> {
        use csv_core::ReadRecordResult::*;
        self.line = None;
        if self.unquoted.capacity() > 1 << 20 {
            // The room a rare huge record took goes with it.
            self.unquoted = Vec::new();
        }
        // The state machine writes into room it is given.
        let room = self.unquoted.capacity().max(1 << 10);
        self.unquoted.clear();
        self.unquoted.resize(room, 0);
        let (mut written, mut fields) = (0, 0);
        let mut quoting = Quoting::FieldStart;
        loop {
            let (result, read, out, ends) = self.core.read_record(
                &self.buf[self.at..self.filled],
                &mut self.unquoted[written..],
                &mut self.ends[fields..],
            );
            if read > 0 {
                self.after_cr = self.buf[self.at + read - 1] == b'\r';
            }
            let consumed = &self.buf[self.at..self.at + read];
            quoting = consumed.iter().fold(quoting, |q, &b| q.after(b, self.delimiter));
            self.at += read;
            written += out;
            fields += ends;
            match result {
                // At the end of the source the state machine is given nothing, and ends the record.
                InputEmpty => {
                    self.refill()?;
                }
                OutputFull => self.unquoted.resize(self.unquoted.len() * 2, 0),
                OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Record | End => break,
            }
        }
        self.bounds.clear();
        let mut start = 0;
        for &end in &self.ends[..fields] {
            self.bounds.push((start, end));
            start = end;
        }
        self.unquoted.truncate(written);
        self.plain = plain_ascii(&self.unquoted);
        // Only the end of the file ends a record inside quotes.
        self.in_quotes = quoting == Quoting::Quoted;
        Ok(())
    }

    /// Reads more of the source after the bytes not yet consumed (moved to the front, the buffer
    /// grown when they fill it); false when the source has no more.
    fn refill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.at > 0 {
            self.buf.copy_within(self.at..self.filled, 0);
            self.base += self.at as u64;
            self.filled -= self.at;
            self.at = 0;
        }
        if self.filled == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.source.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Splits `line`, which holds no quote, at `delimiter` into `bounds` (emptied first), and tells
/// whether it is ASCII without a NUL ([`plain_ascii`]): one pass, eight bytes at a time, as
/// a line of an inventory holds a delimiter every ten bytes or so, too often for memchr's
/// start-up cost to pay for itself.
fn split_plain_line(line: &[u8], delimiter: u8, bounds: &mut Vec<(usize, usize)>) -> bool {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The top bit of each byte of `word` that is zero, and of no other (no borrow between bytes).
    let zeros = |word: u64| !(((word & LOW) + LOW) | word | LOW);
    let pattern = u64::from_ne_bytes([delimiter; 8]);
    bounds.clear();
    let words = line.chunks_exact(8);
    let (rest, whole) = (words.remainder(), line.len() / 8 * 8);
    // The top bit of every byte that is not plain.
    let mut unplain = 0;
    let mut field = 0;
    for (k, word) in words.enumerate() {
        // Little-endian: byte i of the word is byte i of the line (the compiler makes it a load).
        let word = word.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
        unplain |= word | zeros(word);
        let mut hits = zeros(word ^ pattern);
        while hits != 0 {
            let i = k * 8 + hits.trailing_zeros() as usize / 8;
            bounds.push((field, i));
            field = i + 1;
            hits &= hits - 1;
        }
    }
    for (i, &b) in rest.iter().enumerate() {
        unplain |= u64::from(b | b.wrapping_sub(1));
        if b == delimiter {
            let i = whole + i;
            bounds.push((field, i));
            field = i + 1;
        }
    }
    bounds.push((field, line.len()));
    unplain & 0x8080_8080_8080_8080 == 0
}

/// Whether `bytes` are ASCII without a NUL: so that no warning but a cell's length applies.
/// A byte is one of those when neither it nor it less one has the top bit set (a NUL less one
/// has); one OR fold that does not stop early, which the compiler vectorises.
pub fn plain_ascii(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |any, &b| any | b | b.wrapping_sub(1)) < 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `data` with the blank lines before it, read `buffer` bytes at a time.
    fn read_all(data: &[u8], delimiter: u8, buffer: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut records = Records::with_buffer(Box::new(io::Cursor::new(data.to_vec())), delimiter, buffer);
        let mut out = Vec::new();
        while let Some(blank) = records.next_record().unwrap() {
            assert_eq!(records.len(), records.fields().len());
            let fields: Vec<Vec<u8>> = records.fields().map(<[u8]>::to_vec).collect();
            if let Some((bytes, bounds)) = records.plain_fields() {
                let plain: Vec<&[u8]> = bounds.iter().map(|&(s, e)| &bytes[s..e]).collect();
                assert_eq!(plain, fields, "the plain fields of {data:?}");
                assert!(plain_ascii(bytes));
            }
            out.push((blank, fields));
        }
        out
    }

    /// The records the csv crate reads (it skips blank lines).
    fn csv_crate(data: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        reader.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    #[test]
    fn records_are_the_csv_crates_on_generated_input_whatever_the_buffer_size() {
        // Pieces that make quoting, line breaks and byte-order marks meet in every way.
        let pieces: [&[u8]; 14] = [
            b"a",
            b"bc",
            b",",
            b";",
            b"\"",
            b"\"\"",
            b"\r",
            b"\n",
            b"\r\n",
            b" ",
            BOM,
            b"\0",
            b"\xFF",
            b"C02TJ0Q7GVC8",
        ];
        let mut next = crate::xorshift(0x9E37_79B9_7F4A_7C15);
        for case in 0..3000 {
            let len = (next() % 40) as usize;
            let data: Vec<u8> =
                (0..len).flat_map(|_| pieces[(next() % 14) as usize].iter().copied()).collect();
            // A quote as the delimiter too: the csv crate lets quoting win, and so must this.
            let delimiter = match case % 7 {
                0 => b';',
                1 => b'"',
                _ => b',',
            };
            let expected = csv_crate(&data, delimiter);
            for buffer in [1, 3, 7, 1 << 16] {
                let got: Vec<Vec<Vec<u8>>> =
                    read_all(&data, delimiter, buffer).into_iter().map(|(_, fields)| fields).collect();
                assert_eq!(got, expected, "{data:?} read {buffer} bytes at a time");
            }
        }
    }

    #[test]
    fn blank_lines_are_counted_before_each_record_and_dropped_at_the_end() {
        let blanks =
            |data: &[u8]| -> Vec<u64> { read_all(data, b',', 2).into_iter().map(|(b, _)| b).collect() };
        assert_eq!(blanks(b"a\n\nb\n"), [0, 1]);
        // A CRLF is one line break, a CR or LF alone is one too.
        assert_eq!(blanks(b"a\r\n\r\nb\r\r\nc\n\rd"), [0, 1, 1, 1]);
        assert_eq!(blanks(b"\xEF\xBB\xBF\n\na\n\n\n"), [2]);
        // The line breaks in a quoted field are not blank lines; the one after it is.
        assert_eq!(blanks(b"\"a\n\n\",b\r\n\r\nc"), [0, 1]);
        assert_eq!(blanks(b"\n\r\n"), Vec::<u64>::new());
    }

    #[test]
    fn a_line_longer_than_the_buffer_grows_it_and_the_position_counts_every_byte() {
        let long = "x".repeat(10_000);
        let data = format!("{long},y\n\"{long}\n\"\"{long}\",z\nend");
        let mut records =
            Records::with_buffer(Box::new(io::Cursor::new(data.clone().into_bytes())), b',', 16);
        let mut fields = Vec::new();
        while records.next_record().unwrap().is_some() {
            fields.push(records.fields().map(|f| String::from_utf8(f.to_vec()).unwrap()).collect::<Vec<_>>());
        }
        assert_eq!(
            fields,
            [
                vec![long.clone(), "y".into()],
                vec![format!("{long}\n\"{long}"), "z".into()],
                vec!["end".into()]
            ]
        );
        assert_eq!(records.position(), data.len() as u64);
    }

    #[test]
    fn lines_split_a_word_at_a_time_as_a_byte_at_a_time() {
        let mut next = crate::xorshift(0x2545_F491_4F6C_DD1D);
        let alphabet = [b',', b'\t', b'a', b'0', 0, 0x7F, 0x80, 0xFF, b' ', 0x01];
        let mut bounds = Vec::new();
        for _ in 0..5000 {
            let len = (next() % 40) as usize;
            let line: Vec<u8> = (0..len).map(|_| alphabet[(next() % 10) as usize]).collect();
            let delimiter = if next() % 2 == 0 { b',' } else { b'\t' };
            let plain = split_plain_line(&line, delimiter, &mut bounds);
            let mut expected = Vec::new();
            let mut field = 0;
            for (i, _) in line.iter().enumerate().filter(|&(_, &b)| b == delimiter) {
                expected.push((field, i));
                field = i + 1;
            }
            expected.push((field, line.len()));
            assert_eq!((plain, &bounds), (plain_ascii(&line), &expected), "{line:?}");
        }
    }

    #[test]
    fn a_record_the_end_of_the_file_cuts_short_inside_quotes_is_told() {
        let cases: [(&[u8], &[bool]); 9] = [
            (b"a,\"b", &[true]),
            (b"\"a\nb,c\r\n", &[true]),
            (b"a,\"b\"", &[false]),
            (b"a,b\"c\n", &[false]),
            (b"\"a\"\"\n\"", &[false]),
            (b"x\n\"", &[false, true]),
            (b"\"\"", &[false]),
            (b"\"\"\"", &[true]),
            (b"\"a\"b,\"c", &[true]),
        ];
        // With the quote as the delimiter too, a doubled quote is still a quote.
        let quote_delimited: [(&[u8], &[bool]); 2] = [(b"\"\"\"a", &[true]), (b"\"a\"\"\"x", &[false])];
        let cases = cases.map(|(data, expected)| (data, expected, b','));
        for (data, expected, delimiter) in cases.into_iter().chain(quote_delimited.map(|(d, e)| (d, e, b'"')))
        {
            for buffer in [1, 3, 1 << 16] {
                let mut records =
                    Records::with_buffer(Box::new(io::Cursor::new(data.to_vec())), delimiter, buffer);
                let mut got = Vec::new();
                while records.next_record().unwrap().is_some() {
                    got.push(records.ended_in_quotes());
                }
                assert_eq!(got, expected, "{data:?} read {buffer} bytes at a time");
            }
        }
    }

    #[test]
    fn plain_means_ascii_without_a_nul() {
        assert!(plain_ascii(b"C02TJ0Q7GVC8,00:1B:77:49:54:FD, ~\x01\x7F"));
        assert!(plain_ascii(b""));
        for bad in [&b"a\0b"[..], b"\x80", b"caf\xC3\xA9", b"\xFF"] {
            assert!(!plain_ascii(bad), "{bad:?}");
        }
    }
}
