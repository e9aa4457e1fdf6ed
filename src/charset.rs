//! Sets of ASCII bytes: the characters a version of `api.php` keeps in a
//! parameter.
//!
//! api.php filters every parameter with a `preg_replace` that DELETES the
//! characters outside one class (with `use_non_latin=0`, the default). Each
//! class is one [`CharSet`] constant here, a 128-bit table tested one bit
//! per byte (two `u64` halves: wasm has no 128-bit shift, so a `u128`
//! costs a library call per byte), so checking a value is a table lookup
//! per byte and never allocates. Bytes outside ASCII are never in a set: every filter deletes
//! them (`é`, `€` and NUL were removed in every probed version).

/// A set of ASCII bytes.
///
/// ```
/// use vicidial_xfer::charset::CharSet;
/// assert!(CharSet::ALNUM.contains(b'a'));
/// assert!(!CharSet::ALNUM.contains(b'-'));
/// assert!(CharSet::ALNUM.with(b"-_").contains(b'-'));
/// assert!(!CharSet::ALNUM.contains(0xC3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CharSet([u64; 2]);

impl CharSet {
    /// No byte at all.
    pub const EMPTY: CharSet = CharSet([0; 2]);
    /// `0-9`.
    pub const DIGITS: CharSet = CharSet::range(b'0', b'9');
    /// `A-Z a-z 0-9`: `source`; `agent_user` before 2.14-75.
    pub const ALNUM: CharSet = CharSet::range(b'A', b'Z').union(CharSet::range(b'a', b'z')).union(CharSet::DIGITS);
    /// `A-Z a-z 0-9 - _`: `user`, `status`; `agent_user` from 2.14-75;
    /// `pass` 2.10-44 .. 2.14-71; `value` before 2.14-67.
    pub const WORD_DASH: CharSet = CharSet::ALNUM.with(b"-_");
    /// `A-Z a-z 0-9 - _ . + / =`: `pass` from 2.14-72.
    pub const PASS_2_14_72: CharSet = CharSet::WORD_DASH.with(b".+/=");
    /// `A-Z a-z 0-9 - _ |`: `value` (the call ID) from 2.14-67.
    pub const CALL_ID_2_14_67: CharSet = CharSet::WORD_DASH.with(b"|");
    /// `0-9 * #`: `phone_number` 2.12-50 .. 2.14-81.
    pub const DIALABLE: CharSet = CharSet::DIGITS.with(b"*#");
    /// `0-9 * # A-Z a-z`: `phone_number` from 2.14-82.
    pub const DIALABLE_ALNUM: CharSet = CharSet::ALNUM.with(b"*#");
    /// `A-Z a-z 0-9 _`: in-group IDs as VICIdial's admin screen creates
    /// them (2 to 20 characters, no whitespace, `-` or `+`). The server's
    /// own filter also keeps `-` and space, but no in-group ID holds them.
    pub const INGROUP_ID: CharSet = CharSet::ALNUM.with(b"_");
    /// `A-Z a-z 0-9 - _ . *`: the bytes `application/x-www-form-urlencoded`
    /// sends as they are (as `form_urlencoded::byte_serialize` does).
    pub const FORM_PLAIN: CharSet = CharSet::ALNUM.with(b"-_.*");

    /// The bytes from `lo` to `hi` inclusive (ASCII only).
    pub const fn range(lo: u8, hi: u8) -> CharSet {
        let mut set = CharSet::EMPTY;
        let mut b = lo;
        while b <= hi && b < 128 {
            set = set.with_byte(b);
            b += 1;
        }
        set
    }

    /// This set and every ASCII byte of `extra`.
    pub const fn with(self, extra: &[u8]) -> CharSet {
        let mut set = self;
        let mut i = 0;
        while i < extra.len() {
            set = set.with_byte(extra[i]);
            i += 1;
        }
        set
    }

    const fn with_byte(self, b: u8) -> CharSet {
        let mut bits = self.0;
        if b < 128 {
            bits[(b >> 6) as usize] |= 1 << (b & 63);
        }
        CharSet(bits)
    }

    /// Both sets together.
    pub const fn union(self, other: CharSet) -> CharSet {
        CharSet([self.0[0] | other.0[0], self.0[1] | other.0[1]])
    }

    /// Whether `b` is in the set.
    #[inline(always)]
    pub const fn contains(self, b: u8) -> bool {
        b < 128 && self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }

    /// The index of the first byte of `value` outside the set.
    pub fn first_outside(self, value: &[u8]) -> Option<usize> {
        // A plain loop: at opt-level "z", `iter().position` with a closure
        // was a call per byte in the wasm package.
        let mut at = 0;
        while let Some(&b) = value.get(at) {
            if !self.contains(b) {
                return Some(at);
            }
            at += 1;
        }
        None
    }
}
