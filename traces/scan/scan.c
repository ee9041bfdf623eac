// The fast first stage of the trace reader (traces/fastLines.ts): a template scanner for the lines
// synod's own writer emits under protocol `multipaxos`, compiled to WebAssembly with SIMD (build:
// traces/scripts/build-scan.sh; the module is embedded in traces/scan.generated.ts).
//
// Given complete lines in `inbuf`, it writes one row per line into column arrays. A line either
// matches one of the writer's templates exactly and gets its fields extracted, or is flagged slow
// (c_kind = 0) and goes to the reader's full path (JSON.parse, the schema, the header's nodes). A
// template match guarantees what the full path would check for that line: printable ASCII with no
// backslash (so valid UTF-8, no escapes, no control characters); exactly the writer's keys in the
// writer's order, each required field present and nothing else; numbers in plain form and range
// (times >= 0 with at most 15 significant digits and no exponent, read exactly as JSON.parse reads
// them; integers 0..2^53-1); node names that are the header's, byte for byte; nested values that
// are well-formed JSON without whitespace, nested at most 64 deep, with no key __proto__,
// constructor or prototype, and numbers of at most 300 characters with an exponent of at most two
// digits (such a number may still read as Infinity, as "any JSON value" allows on the full path).
#ifdef USE_SIMD
#include <wasm_simd128.h>
#endif

typedef unsigned char u8;
typedef signed char i8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define CHUNK_CAP (1 << 20)
#define PAD 64
#define MAXL 65536
#define MAXNODES 64

#define INLINE static inline __attribute__((always_inline))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

// ---------------------------------------------------------------- memory shared with JS
// c_vslot: the value cache slot holding the row's nested value text (255: none); c_vnew: 1 when
// the row stored its text there (a miss), 0 when it found it there (a hit). The JavaScript side
// keeps one parsed value per slot, replaying the stores in row order.
u8 inbuf[CHUNK_CAP + PAD] __attribute__((aligned(16)));
u8 c_kind[MAXL], c_mtype[MAXL], c_fcode[MAXL], c_vslot[MAXL], c_vnew[MAXL];
i8 c_node[MAXL], c_peer[MAXL], c_bnode[MAXL];
double c_t[MAXL], c_id[MAXL], c_slot[MAXL], c_round[MAXL], c_op[MAXL], c_num[MAXL];
u32 c_loff[MAXL], c_llen[MAXL], c_voff[MAXL], c_vlen[MAXL], c_vhash[MAXL], c_soff[MAXL], c_slen[MAXL];
// c_coff/c_clen: a `class` string (an accept's under an untyped protocol, a client event's); c_clen
// is 0xffffffff when there is none.
u32 c_coff[MAXL], c_clen[MAXL];

static u32 g_consumed;
static int g_cache = 1;
static int g_nnodes;
static u8 g_nlen[MAXNODES];
static u64 g_nlo[MAXNODES], g_nhi[MAXNODES];

__attribute__((export_name("col"))) void *col(int i) {
  switch (i) {
  case 0: return inbuf;   case 1: return c_kind;  case 2: return c_mtype; case 3: return c_fcode;
  case 4: return c_node;  case 5: return c_peer;  case 6: return c_bnode; case 7: return c_t;
  case 8: return c_id;    case 9: return c_slot;  case 10: return c_round; case 11: return c_op;
  case 12: return c_num;  case 13: return c_loff; case 14: return c_llen; case 15: return c_voff;
  case 16: return c_vlen; case 17: return c_vhash; case 18: return c_soff; case 19: return c_slen;
  case 20: return c_vslot; case 21: return c_vnew; case 22: return c_coff; case 23: return c_clen;
  }
  return 0;
}
__attribute__((export_name("consumed"))) u32 consumed(void) { return g_consumed; }
u32 stat_hits(void);
u32 stat_miss(void);
__attribute__((export_name("set_cache"))) void set_cache(int on) { g_cache = on; }
// Untyped protocol (e.g. `adaptive`): message bodies are checked only for a string `type`, so an
// accept may carry a `class`; under `multipaxos` its schema forbids one.
static int g_untyped;
__attribute__((export_name("set_untyped"))) void set_untyped(int on) { g_untyped = on; }

INLINE u64 ld64(const u8 *p) { u64 v; __builtin_memcpy(&v, p, 8); return v; }
INLINE u32 ld32(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }
INLINE u64 lowmask(int n) { return n >= 8 ? ~0ULL : ((1ULL << (8 * n)) - 1); }

// Header node names: JS writes the names, NUL-separated, at inbuf[0..] and calls set_nodes.
__attribute__((export_name("set_nodes"))) int set_nodes(int n) {
  const u8 *p = inbuf;
  g_nnodes = 0;
  for (int i = 0; i < n && i < MAXNODES; i++) {
    int len = 0;
    while (p[len]) len++;
    if (len < 1 || len > 16) return -1; // names of 1..16 bytes (longer: no fast path)
    u8 tmp[16];
    for (int k = 0; k < 16; k++) tmp[k] = k < len ? p[k] : 0;
    g_nlen[i] = (u8)len;
    g_nlo[i] = ld64(tmp);
    g_nhi[i] = ld64(tmp + 8);
    p += len + 1;
    g_nnodes++;
  }
  return g_nnodes;
}

// ---------------------------------------------------------------- constant pieces
// lit_eq(p, "..."): the bytes at p equal the literal (n is a compile-time constant after inlining).
#ifdef USE_SIMD
static const u8 ones_then_zeros[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
INLINE v128_t mask16(int n) { return wasm_v128_load(ones_then_zeros + 16 - n); } // first n lanes
INLINE int lit_eq16(const u8 *p, const char *s, int n) {
  u8 t[16];
  for (int k = 0; k < 16; k++) t[k] = k < n ? (u8)s[k] : 0;
  v128_t d = wasm_v128_xor(wasm_v128_load(p), wasm_v128_load(t));
  if (n < 16) d = wasm_v128_and(d, mask16(n));
  return !wasm_v128_any_true(d);
}
INLINE int lit_eq(const u8 *p, const char *s, int n) {
  int ok = 1;
  for (int o = 0; o < n; o += 16) ok &= lit_eq16(p + o, s + o, n - o < 16 ? n - o : 16);
  return ok;
}
#else
INLINE int lit_eq(const u8 *p, const char *s, int n) {
  u64 diff = 0;
  for (int o = 0; o < n; o += 8) {
    int m = n - o < 8 ? n - o : 8;
    u8 t[8];
    for (int k = 0; k < 8; k++) t[k] = k < m ? (u8)s[o + k] : 0;
    diff |= (ld64(p + o) ^ ld64(t)) & lowmask(m);
  }
  return diff == 0;
}
#endif
#define LIT(s) (lit_eq(p, s, sizeof(s) - 1) ? (p += sizeof(s) - 1, 1) : 0)
#define NEED(s) do { if (!LIT(s)) goto slow; } while (0)
// The same at a pointer other than p (advanced past the literal when it matches).
#define LIT_AT(q, s) (lit_eq(q, s, sizeof(s) - 1) ? (q += sizeof(s) - 1, 1) : 0)

// ---------------------------------------------------------------- byte search
// End of line (the '\n'); *bad |= 1 when the line holds a byte < 0x20, >= 0x80 or a backslash.
INLINE const u8 *find_eol(const u8 *p, int *bad) {
#ifdef USE_SIMD
  for (;; p += 16) {
    v128_t v = wasm_v128_load(p);
    v128_t m = wasm_v128_or(wasm_i8x16_lt(v, wasm_i8x16_splat(0x20)), wasm_i8x16_eq(v, wasm_i8x16_splat('\\')));
    u32 bits = wasm_i8x16_bitmask(m);
    while (bits) {
      int i = __builtin_ctz(bits);
      if (p[i] == '\n') return p + i;
      *bad = 1;
      bits &= bits - 1;
    }
  }
#else
  for (;; p++) {
    u8 c = *p;
    if (UNLIKELY(c < 0x20 || c >= 0x80 || c == '\\')) {
      if (c == '\n') return p;
      *bad = 1;
    }
  }
#endif
}

// Next '"' at or after p (the line is known to end in '\n' and hold no other control byte).
INLINE const u8 *find_quote(const u8 *p, const u8 *le) {
#ifdef USE_SIMD
  for (;; p += 16) {
    v128_t v = wasm_v128_load(p);
    u32 bits = wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(v, wasm_i8x16_splat('"')), wasm_i8x16_eq(v, wasm_i8x16_splat('\n'))));
    if (bits) {
      const u8 *q = p + __builtin_ctz(bits);
      return q < le ? q : 0;
    }
  }
#else
  while (p < le && *p != '"') p++;
  return p < le ? p : 0;
#endif
}

// ---------------------------------------------------------------- numbers
#define MAXSAFE 9007199254740991ULL
// Integer field: 0 | [1-9][0-9]*, at most 2^53 - 1.
INLINE const u8 *parse_uint(const u8 *p, double *out) {
  unsigned d = (unsigned)p[0] - '0';
  if (d > 9) return 0;
  if (d == 0) {
    *out = 0;
    return p + 1; // a digit after a leading 0 fails the next template piece
  }
  u64 v = d;
  const u8 *s = p++;
  while ((d = (unsigned)*p - '0') <= 9) {
    v = v * 10 + d;
    if (++p - s > 16) return 0;
  }
  if (v > MAXSAFE) return 0;
  *out = (double)v;
  return p;
}
static const double pow10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
// Non-negative number: int ('.' digits)?, no exponent, at most 15 significant digits (exactly rounded:
// mantissa < 2^53 and 10^k exact, so one division is correctly rounded, as JSON.parse's result).
INLINE const u8 *parse_num(const u8 *p, double *out) {
  unsigned d = (unsigned)p[0] - '0';
  if (d > 9) return 0;
  u64 v = d;
  int nd = 1;
  const u8 *q = p + 1;
  if (d != 0)
    while ((d = (unsigned)*q - '0') <= 9) { v = v * 10 + d; q++; nd++; }
  int k = 0;
  if (*q == '.') {
    q++;
    while ((d = (unsigned)*q - '0') <= 9) { v = v * 10 + d; q++; nd++; k++; }
    if (k == 0) return 0;
  }
  if ((*q | 0x20) == 'e' || nd > 15) return 0;
  *out = k ? (double)v / pow10[k] : (double)v;
  return q;
}
// JSON number grammar inside a nested value; returns the end or 0. Conservative: an exponent of at
// most two digits and at most 300 characters (a number may still read as Infinity: `any JSON value`).
static const u8 *skip_number(const u8 *p) {
  const u8 *s = p;
  if (*p == '-') p++;
  if (*p == '0') p++;
  else if ((unsigned)*p - '1' <= 8) { p++; while ((unsigned)*p - '0' <= 9) p++; }
  else return 0;
  if (*p == '.') {
    p++;
    if ((unsigned)*p - '0' > 9) return 0;
    while ((unsigned)*p - '0' <= 9) p++;
  }
  if ((*p | 0x20) == 'e') {
    p++;
    if (*p == '+' || *p == '-') p++;
    const u8 *e = p;
    if ((unsigned)*p - '0' > 9) return 0;
    while ((unsigned)*p - '0' <= 9) p++;
    if (p - e > 2) return 0; // |exp| < 100: conservative range guard
  }
  if (p - s > 300) return 0;
  return p;
}
INLINE const u8 *skip_scalar(const u8 *p) {
  switch (*p) {
  case 't': return lit_eq(p, "true", 4) ? p + 4 : 0;
  case 'f': return lit_eq(p, "false", 5) ? p + 5 : 0;
  case 'n': return lit_eq(p, "null", 4) ? p + 4 : 0;
  default: return skip_number(p);
  }
}

// ---------------------------------------------------------------- hash (same result in both builds)
// 4 lanes of 32 bits over 16-byte blocks, the last one zero-padded; lanes folded with the length.
#define HP1 0x9E3779B1u
#define HP2 0x85EBCA77u
INLINE u32 fmix(u32 h) { h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16; return h; }
INLINE u32 fold4(u32 a, u32 b, u32 c, u32 d, u32 len) {
  u32 h = len * HP2;
  h = (h ^ a) * HP1; h = (h ^ b) * HP1; h = (h ^ c) * HP1; h = (h ^ d) * HP1;
  return fmix(h);
}
#ifdef USE_SIMD
INLINE u32 hash_bytes(const u8 *p, u32 n) {
  v128_t h = wasm_i32x4_make(1, 2, 3, 4), P = wasm_i32x4_splat(HP1);
  u32 o = 0;
  for (; o + 16 <= n; o += 16) {
    h = wasm_i32x4_mul(wasm_v128_xor(h, wasm_v128_load(p + o)), P);
    h = wasm_v128_xor(h, wasm_u32x4_shr(h, 15));
  }
  if (o < n) {
    v128_t w = wasm_v128_and(wasm_v128_load(p + o), mask16((int)(n - o)));
    h = wasm_i32x4_mul(wasm_v128_xor(h, w), P);
    h = wasm_v128_xor(h, wasm_u32x4_shr(h, 15));
  }
  return fold4(wasm_i32x4_extract_lane(h, 0), wasm_i32x4_extract_lane(h, 1), wasm_i32x4_extract_lane(h, 2),
               wasm_i32x4_extract_lane(h, 3), n);
}
INLINE int bytes_eq(const u8 *a, const u8 *b, u32 n) {
  u32 o = 0;
  for (; o + 16 <= n; o += 16)
    if (wasm_v128_any_true(wasm_v128_xor(wasm_v128_load(a + o), wasm_v128_load(b + o)))) return 0;
  if (o < n)
    return !wasm_v128_any_true(wasm_v128_and(wasm_v128_xor(wasm_v128_load(a + o), wasm_v128_load(b + o)), mask16((int)(n - o))));
  return 1;
}
#else
INLINE u32 hash_bytes(const u8 *p, u32 n) {
  u32 h0 = 1, h1 = 2, h2 = 3, h3 = 4;
  u32 o = 0;
#define MIX(h, w) do { h = ((h) ^ (w)) * HP1; h ^= h >> 15; } while (0)
  for (; o + 16 <= n; o += 16) {
    MIX(h0, ld32(p + o)); MIX(h1, ld32(p + o + 4)); MIX(h2, ld32(p + o + 8)); MIX(h3, ld32(p + o + 12));
  }
  if (o < n) {
    int r = (int)(n - o);
    u64 a = ld64(p + o) & lowmask(r), b = r > 8 ? ld64(p + o + 8) & lowmask(r - 8) : 0;
    MIX(h0, (u32)a); MIX(h1, (u32)(a >> 32)); MIX(h2, (u32)b); MIX(h3, (u32)(b >> 32));
  }
  return fold4(h0, h1, h2, h3, n);
}
INLINE int bytes_eq(const u8 *a, const u8 *b, u32 n) {
  u64 d = 0;
  u32 o = 0;
  for (; o + 8 <= n; o += 8) d |= ld64(a + o) ^ ld64(b + o);
  if (o < n) d |= (ld64(a + o) ^ ld64(b + o)) & lowmask((int)(n - o));
  return d == 0;
}
#endif
__attribute__((export_name("hash_export"))) u32 hash_export(u32 off, u32 n) { return hash_bytes(inbuf + off, n); }

// ---------------------------------------------------------------- nested JSON value
// Validates one JSON value at p (the line [p, le) is printable ASCII with no backslash, so a string
// is everything up to the next quote). No whitespace is accepted (the writer emits none). Object keys
// __proto__, constructor and prototype fail (the reader's forbidden-key rule). Depth > 64 fails.
// Returns the end of the value or 0.
enum { S_VAL, S_ARR_FIRST, S_OBJ_FIRST, S_KEY, S_COLON, S_AFTER };

INLINE int forbidden_key(const u8 *k) { // k: first byte after the opening quote
  if (lit_eq(k, "__proto_", 8)) return lit_eq(k + 8, "_\"", 2);
  if (lit_eq(k, "construc", 8)) return lit_eq(k + 8, "tor\"", 4);
  if (lit_eq(k, "prototyp", 8)) return lit_eq(k + 8, "e\"", 2);
  return 0;
}

#ifdef USE_SIMD
INLINE u32 prefix_xor16(u32 x) { x ^= x << 1; x ^= x << 2; x ^= x << 4; x ^= x << 8; return x & 0xffff; }

static const u8 *skip_value(const u8 *p, const u8 *le) {
  int state = S_VAL, depth = 0;
  u64 objbits = 0; // bit d: container at depth d+1 is an object
  u32 instr = 0, prevsc = 0;
  const v128_t QUOTE = wasm_i8x16_splat('"'), OB = wasm_i8x16_splat('{'), CB = wasm_i8x16_splat('}'),
               COLON = wasm_i8x16_splat(':'), COMMA = wasm_i8x16_splat(','), X20 = wasm_i8x16_splat(0x20);
  for (const u8 *base = p; base < le; base += 16) {
    v128_t v = wasm_v128_load(base);
    long rem = le - base;
    u32 valid = rem >= 16 ? 0xffff : ((1u << rem) - 1);
    v128_t v20 = wasm_v128_or(v, X20); // '[' -> '{', ']' -> '}'
    u32 q = wasm_i8x16_bitmask(wasm_i8x16_eq(v, QUOTE)) & valid;
    u32 s = wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v20, OB), wasm_i8x16_eq(v20, CB)),
                                            wasm_v128_or(wasm_i8x16_eq(v, COLON), wasm_i8x16_eq(v, COMMA)))) & valid;
    u32 x = prefix_xor16(q) ^ instr; // 1 inside strings, opening quote included, closing excluded
    instr = (x & 0x8000) ? 0xffff : 0;
    u32 sc = valid & ~(q | s | x); // scalar bytes
    u32 tok = (q & x) | (s & ~x) | (sc & ~((sc << 1) | prevsc));
    prevsc = sc >> 15;
    while (tok) {
      int i = __builtin_ctz(tok);
      tok &= tok - 1;
      const u8 *t = base + i;
      u8 c = *t;
      switch (state) {
      case S_ARR_FIRST:
        if (c == ']') goto close_arr;
        /* fallthrough */
      case S_VAL:
        if (c == '{') { if (++depth > 64) return 0; objbits = (objbits << 1) | 1; state = S_OBJ_FIRST; }
        else if (c == '[') { if (++depth > 64) return 0; objbits <<= 1; state = S_ARR_FIRST; }
        else if (c == '"') { if (depth == 0) { const u8 *e = find_quote(t + 1, le); return e ? e + 1 : 0; } state = S_AFTER; }
        else if (c == ',' || c == ':' || c == '}' || c == ']') return 0;
        else {
          const u8 *e = skip_scalar(t);
          if (!e) return 0;
          if (depth == 0) return e;
          u8 n = *e; // the scalar must end at a structural byte
          if (n != ',' && n != '}' && n != ']') return 0;
          state = S_AFTER;
        }
        break;
      case S_OBJ_FIRST:
        if (c == '}') goto close_obj;
        /* fallthrough */
      case S_KEY:
        if (c != '"' || forbidden_key(t + 1)) return 0;
        state = S_COLON;
        break;
      case S_COLON:
        if (c != ':') return 0;
        state = S_VAL;
        break;
      case S_AFTER:
        if (c == ',') state = (objbits & 1) ? S_KEY : S_VAL;
        else if (c == '}') {
          if (!(objbits & 1)) return 0;
        close_obj:
          objbits >>= 1;
          if (--depth == 0) return t + 1;
          state = S_AFTER;
        } else if (c == ']') {
          if (objbits & 1) return 0;
        close_arr:
          objbits >>= 1;
          if (--depth == 0) return t + 1;
          state = S_AFTER;
        } else return 0;
        break;
      }
    }
  }
  return 0;
}
#else
static const u8 *skip_value(const u8 *p, const u8 *le) {
  int state = S_VAL, depth = 0;
  u64 objbits = 0;
  for (const u8 *t = p; t < le;) {
    u8 c = *t;
    switch (state) {
    case S_ARR_FIRST:
      if (c == ']') goto close_arr;
      /* fallthrough */
    case S_VAL:
      if (c == '{') { if (++depth > 64) return 0; objbits = (objbits << 1) | 1; state = S_OBJ_FIRST; t++; }
      else if (c == '[') { if (++depth > 64) return 0; objbits <<= 1; state = S_ARR_FIRST; t++; }
      else if (c == '"') {
        const u8 *e = find_quote(t + 1, le);
        if (!e) return 0;
        if (depth == 0) return e + 1;
        t = e + 1;
        state = S_AFTER;
      } else {
        const u8 *e = skip_scalar(t);
        if (!e) return 0;
        if (depth == 0) return e;
        t = e;
        state = S_AFTER;
      }
      break;
    case S_OBJ_FIRST:
      if (c == '}') goto close_obj;
      /* fallthrough */
    case S_KEY: {
      if (c != '"' || forbidden_key(t + 1)) return 0;
      const u8 *e = find_quote(t + 1, le);
      if (!e) return 0;
      t = e + 1;
      state = S_COLON;
      break;
    }
    case S_COLON:
      if (c != ':') return 0;
      t++;
      state = S_VAL;
      break;
    case S_AFTER:
      if (c == ',') { state = (objbits & 1) ? S_KEY : S_VAL; t++; }
      else if (c == '}') {
        if (!(objbits & 1)) return 0;
      close_obj:
        objbits >>= 1;
        t++;
        if (--depth == 0) return t;
        state = S_AFTER;
      } else if (c == ']') {
        if (objbits & 1) return 0;
      close_arr:
        objbits >>= 1;
        t++;
        if (--depth == 0) return t;
        state = S_AFTER;
      } else return 0;
      break;
    }
  }
  return 0;
}
#endif

// Cache of recently validated value texts: a byte-identical text is valid without a second walk.
#define CSLOTS 64
#define CMAX 4096
#define CMIN 16 // shorter texts (a number, a short string) are not cached: they would evict batches
static u8 cache_text[CSLOTS][CMAX];
static u32 cache_len[CSLOTS], cache_hash[CSLOTS];
static u32 st_hits, st_miss;
__attribute__((export_name("stat_hits"))) u32 stat_hits(void) { return st_hits; }
__attribute__((export_name("stat_miss"))) u32 stat_miss(void) { return st_miss; }

// Value at p whose text, in the writer's form, ends at `guess` (the template's suffix follows it).
// Returns its end (0: invalid); writes offset, length and hash.
static u32 last_k = CSLOTS; // the cache slot of the last value found or stored (CSLOTS: none)
INLINE const u8 *value(const u8 *p, const u8 *guess, const u8 *le, u32 row) {
  u32 n = (u32)(guess - p), h;
  if (g_cache && n >= CMIN && n <= CMAX) {
    // Lines repeat the value of the line before (a broadcast, its receipts, the votes): compared
    // with that one first, without hashing.
    u32 k0 = last_k;
    if (k0 < CSLOTS && cache_len[k0] == n && bytes_eq(p, cache_text[k0], n)) {
      st_hits++;
      c_voff[row] = (u32)(p - inbuf); c_vlen[row] = n; c_vhash[row] = cache_hash[k0];
      c_vslot[row] = (u8)k0; c_vnew[row] = 0;
      return guess;
    }
    h = hash_bytes(p, n);
    u32 k = h & (CSLOTS - 1);
    if (cache_hash[k] == h && cache_len[k] == n && bytes_eq(p, cache_text[k], n)) {
      st_hits++;
      last_k = k;
      c_voff[row] = (u32)(p - inbuf); c_vlen[row] = n; c_vhash[row] = h;
      c_vslot[row] = (u8)k; c_vnew[row] = 0;
      return guess;
    }
  }
  const u8 *e = skip_value(p, le);
  if (!e) return 0;
  u32 m = (u32)(e - p);
  if (!g_cache || e != guess) h = hash_bytes(p, m);
  if (g_cache && m >= CMIN && m <= CMAX) {
    u32 k = h & (CSLOTS - 1);
    // The guess was wrong (an optional field follows the value, as a leader's decide names its
    // ballot): the value itself may still be cached.
    if (e != guess && cache_hash[k] == h && cache_len[k] == m && bytes_eq(p, cache_text[k], m)) {
      st_hits++;
      last_k = k;
      c_voff[row] = (u32)(p - inbuf); c_vlen[row] = m; c_vhash[row] = h;
      c_vslot[row] = (u8)k; c_vnew[row] = 0;
      return e;
    }
    cache_hash[k] = h; cache_len[k] = m;
    last_k = k;
    st_miss++;
    c_vslot[row] = (u8)k; c_vnew[row] = 1;
    for (u32 i = 0; i < m; i += 16) { // copy (whole 16-byte blocks; the slot has room)
#ifdef USE_SIMD
      wasm_v128_store(cache_text[k] + i, wasm_v128_load(p + i));
#else
      for (int j = 0; j < 16; j++) cache_text[k][i + j] = p[i + j];
#endif
    }
  }
  c_voff[row] = (u32)(p - inbuf); c_vlen[row] = m; c_vhash[row] = h;
  return e;
}

// ---------------------------------------------------------------- node names
INLINE const u8 *node_at(const u8 *p, const u8 *le, i8 *out) { // p: after the opening quote
  const u8 *q = find_quote(p, le);
  if (!q) return 0;
  int len = (int)(q - p);
  if (len < 1 || len > 16) return 0;
  u64 lo = ld64(p) & lowmask(len), hi = len > 8 ? ld64(p + 8) & lowmask(len - 8) : 0;
  for (int i = 0; i < g_nnodes; i++)
    if (g_nlo[i] == lo && g_nhi[i] == hi && g_nlen[i] == len) { *out = (i8)i; return q + 1; }
  return 0;
}
#define NODE(dst) do { p = node_at(p, le, &dst); if (!p) goto slow; } while (0)
#define UINT(dst) do { p = parse_uint(p, &dst); if (!p) goto slow; } while (0)
// `,"ballot":{"round":R,"node":"N"}` into c_round and c_bnode.
#define BALLOT()                                                                                  \
  do {                                                                                            \
    NEED(",\"ballot\":{\"round\":");                                                                \
    UINT(c_round[row]);                                                                           \
    NEED(",\"node\":\"");                                                                          \
    NODE(c_bnode[row]);                                                                           \
    NEED("}");                                                                                    \
  } while (0)
// `,"class":"S"` when present: into c_coff and c_clen (an empty S only when `empty` allows it).
#define CLASS(empty)                                                                              \
  do {                                                                                            \
    if (LIT(",\"class\":\"")) {                                                                    \
      const u8 *q = find_quote(p, le);                                                            \
      if (!q || (!(empty) && q == p)) goto slow;                                                  \
      c_coff[row] = (u32)(p - inbuf); c_clen[row] = (u32)(q - p);                                 \
      p = q + 1;                                                                                  \
    }                                                                                             \
  } while (0)

// The start of a persisted vote `"v.S":{"ballot":{"round":R,"node":"N"},"value":` or decided batch
// `"d.S":` at p (just after `"vars":{`): fills c_mtype (1 or 2), c_slot and the ballot's columns and
// returns where the value starts; 0 (columns as they were) for anything else. Nothing is cached
// before it answers, so the caller can still read `vars` as one value.
INLINE const u8 *persisted_slot(const u8 *p, const u8 *le, u32 row) {
  if (p[0] != '"' || (p[1] != 'v' && p[1] != 'd') || p[2] != '.') return 0;
  int vote = p[1] == 'v';
  double slot, round = -1;
  i8 bnode = -1;
  const u8 *q = parse_uint(p + 3, &slot);
  if (!q) return 0;
  if (vote) {
    if (!LIT_AT(q, "\":{\"ballot\":{\"round\":")) return 0;
    q = parse_uint(q, &round);
    if (!q || !LIT_AT(q, ",\"node\":\"")) return 0;
    q = node_at(q, le, &bnode);
    if (!q || !LIT_AT(q, "},\"value\":")) return 0;
  } else if (!LIT_AT(q, "\":")) {
    return 0;
  }
  c_mtype[row] = vote ? 1 : 2;
  c_slot[row] = slot;
  c_round[row] = round;
  c_bnode[row] = bnode;
  return q;
}

enum { K_SLOW, K_SEND, K_RECV, K_PERSIST, K_DECIDE, K_INVOKE, K_OK, K_TIMER, K_CRASH, K_RESTART };
enum { M_NONE, M_PREPARE, M_PROMISE, M_ACCEPT, M_ACCEPTED, M_DECIDE, M_HEARTBEAT, M_CATCHUP, M_FORWARD };

// Parses lines from inbuf[start..len) (len: just after a '\n'); returns the number of rows written.
__attribute__((export_name("scan"))) u32 scan(u32 start, u32 len) {
  const u8 *p = inbuf + start, *end = inbuf + len;
  u32 row = 0;
  while (p < end && row < MAXL) {
    const u8 *ls = p;
    int bad = 0;
    const u8 *le = find_eol(p, &bad);
    c_loff[row] = (u32)(ls - inbuf);
    c_llen[row] = (u32)(le - ls);
    c_mtype[row] = 0; c_peer[row] = -1; c_bnode[row] = -1; c_vlen[row] = 0; c_vhash[row] = 0;
    c_round[row] = -1; c_slot[row] = -1; c_id[row] = -1; c_op[row] = -1; c_num[row] = -1; c_fcode[row] = 0;
    c_slen[row] = 0; c_vslot[row] = 255; c_vnew[row] = 0; c_clen[row] = 0xffffffffu;
    u8 kind = K_SLOW;
    if (bad) goto slow;
    if (!LIT("{\"kind\":\"")) goto slow;
    {
      // kind string: compare the 8 bytes at p (the kind, its closing quote and what follows) masked
      u64 w = ld64(p);
#define KW(s) (ld64((const u8 *)s "\0\0\0\0\0\0\0\0") & lowmask(sizeof(s) - 1))
      if ((w & lowmask(5)) == KW("send\"")) { kind = K_SEND; p += 5; }
      else if ((w & lowmask(5)) == KW("recv\"")) { kind = K_RECV; p += 5; }
      else if ((w & lowmask(7)) == KW("decide\"")) { kind = K_DECIDE; p += 7; }
      else if ((w & lowmask(8)) == KW("persist\"")) { kind = K_PERSIST; p += 8; }
      else if ((w & lowmask(3)) == KW("ok\"")) { kind = K_OK; p += 3; }
      else if ((w & lowmask(7)) == KW("invoke\"")) { kind = K_INVOKE; p += 7; }
      else if ((w & lowmask(6)) == KW("timer\"")) { kind = K_TIMER; p += 6; }
      else if ((w & lowmask(6)) == KW("crash\"")) { kind = K_CRASH; p += 6; }
      else if ((w & lowmask(8)) == KW("restart\"")) { kind = K_RESTART; p += 8; }
      else goto slow;
    }
    NEED(",\"t\":");
    p = parse_num(p, &c_t[row]);
    if (!p) goto slow;
    NEED(",\"node\":\"");
    NODE(c_node[row]);
    switch (kind) {
    case K_SEND:
    case K_RECV: {
      if (kind == K_SEND) NEED(",\"to\":\""); else NEED(",\"from\":\"");
      NODE(c_peer[row]);
      NEED(",\"id\":");
      UINT(c_id[row]);
      NEED(",\"msg\":{\"type\":\"");
      u64 w = ld64(p);
      if ((w & lowmask(7)) == KW("accept\"")) {
        p += 7;
        c_mtype[row] = M_ACCEPT;
        BALLOT();
        NEED(",\"slot\":");
        UINT(c_slot[row]);
        NEED(",\"value\":");
        p = value(p, le - 2, le, row);
        if (!p) goto slow;
        if (g_untyped) CLASS(1);
        NEED("}}");
      } else if ((w & lowmask(8)) == KW("accepted") && p[8] == '"') {
        p += 9;
        c_mtype[row] = M_ACCEPTED;
        BALLOT();
        NEED(",\"slot\":");
        UINT(c_slot[row]);
        NEED("}}");
      } else if ((w & lowmask(7)) == KW("decide\"")) {
        p += 7;
        c_mtype[row] = M_DECIDE;
        NEED(",\"slot\":");
        UINT(c_slot[row]);
        NEED(",\"value\":");
        p = value(p, le - 2, le, row);
        if (!p) goto slow;
        if (p[0] == ',' && p[1] == '"' && p[2] == 'b') BALLOT(); // optional (the schema allows it)
        NEED("}}");
      } else if ((w & lowmask(8)) == KW("prepare\"") || (w & lowmask(8)) == KW("promise\"")) {
        c_mtype[row] = p[2] == 'e' ? M_PREPARE : M_PROMISE;
        p += 8;
        BALLOT();
        NEED(",\"fromSlot\":");
        UINT(c_slot[row]);
        NEED("}}");
      } else if ((w & lowmask(8)) == KW("heartbea") && lit_eq(p + 8, "t\"", 2)) {
        p += 10;
        c_mtype[row] = M_HEARTBEAT;
        BALLOT();
        NEED(",\"decidedBelow\":");
        UINT(c_slot[row]);
        NEED("}}");
      } else if ((w & lowmask(8)) == KW("catchup\"")) {
        p += 8;
        c_mtype[row] = M_CATCHUP;
        NEED(",\"fromSlot\":");
        UINT(c_slot[row]);
        NEED("}}");
      } else if ((w & lowmask(8)) == KW("x-forwar") && lit_eq(p + 8, "d\"", 2)) {
        // An extension message of synod's Multi-Paxos (a follower forwards client commands): under
        // the schema any fields may follow its type; the writer's form has exactly `cmds`.
        p += 10;
        c_mtype[row] = M_FORWARD;
        NEED(",\"cmds\":");
        p = value(p, le - 2, le, row);
        if (!p) goto slow;
        NEED("}}");
      } else goto slow;
      break;
    }
    case K_PERSIST: {
      NEED(",\"vars\":{");
      // synod's Multi-Paxos persists one variable per line: a vote `"v.S":{"ballot":B,"value":V}`
      // or a decided batch `"d.S":V`. Their key and ballot become columns (c_mtype 1 or 2) and V
      // is cached on its own, as in an accept; any other `vars` is one value.
      const u8 *q = persisted_slot(p, le, row);
      if (q) {
        int vote = c_mtype[row] == 1;
        q = value(q, le - (vote ? 3 : 2), le, row);
        if (q && (vote ? LIT_AT(q, "}}}") : LIT_AT(q, "}}")) && q == le) {
          p = q;
          break;
        }
        // Another variable follows (or the value is bad): `vars` is read as one value after all.
        // A text value() just cached is forgotten (the JavaScript side never learns of it).
        if (c_vnew[row]) cache_len[c_vslot[row]] = 0;
        c_mtype[row] = 0; c_slot[row] = -1; c_round[row] = -1; c_bnode[row] = -1;
        c_vslot[row] = 255; c_vnew[row] = 0; c_vlen[row] = 0; c_vhash[row] = 0;
      }
      p--; // the value starts at '{'
      p = value(p, le - 1, le, row);
      if (!p) goto slow;
      NEED("}");
      break;
    }
    case K_DECIDE:
      NEED(",\"slot\":");
      UINT(c_slot[row]);
      NEED(",\"value\":");
      p = value(p, le - 1, le, row);
      if (!p) goto slow;
      if (LIT(",\"ballot\":{\"round\":")) {
        UINT(c_round[row]);
        NEED(",\"node\":\"");
        NODE(c_bnode[row]);
        NEED("}");
      }
      NEED("}");
      break;
    case K_INVOKE:
    case K_OK: {
      NEED(",\"process\":");
      UINT(c_num[row]);
      NEED(",\"op\":");
      UINT(c_op[row]);
      NEED(",\"f\":\"");
      if (LIT("read\"")) c_fcode[row] = 1;
      else if (LIT("write\"")) c_fcode[row] = 2;
      else if (LIT("cas\"")) c_fcode[row] = 3;
      else {
        const u8 *q = find_quote(p, le);
        if (!q || q == p) goto slow; // minLength 1
        goto slow; // another operation name: the full path
      }
      if (LIT(",\"key\":\"")) {
        const u8 *q = find_quote(p, le);
        if (!q) goto slow;
        c_mtype[row] = 1; // a key, possibly empty
        c_soff[row] = (u32)(p - inbuf); c_slen[row] = (u32)(q - p);
        p = q + 1;
      }
      if (LIT(",\"value\":")) {
        p = value(p, le - 1, le, row);
        if (!p) goto slow;
      }
      CLASS(0); // minLength 1
      NEED("}");
      break;
    }
    case K_TIMER: {
      NEED(",\"name\":\"");
      const u8 *q = find_quote(p, le);
      if (!q || q == p) goto slow;
      c_soff[row] = (u32)(p - inbuf); c_slen[row] = (u32)(q - p);
      p = q + 1;
      NEED(",\"action\":\"");
      if (LIT("set\"")) c_mtype[row] = 1;
      else if (LIT("fire\"")) c_mtype[row] = 2;
      else if (LIT("cancel\"")) c_mtype[row] = 3;
      else goto slow;
      if (LIT(",\"after\":")) {
        p = parse_num(p, &c_num[row]);
        if (!p) goto slow;
      }
      NEED("}");
      break;
    }
    default: // crash, restart
      NEED("}");
      break;
    }
    if (p != le) goto slow;
    c_kind[row] = kind;
    p = le + 1;
    row++;
    continue;
  slow:
    c_kind[row] = K_SLOW;
    p = le + 1;
    row++;
  }
  g_consumed = (u32)(p - inbuf);
  return row;
}
