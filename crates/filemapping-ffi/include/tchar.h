/*
 * tchar.h: the C library's generic-text names (_tmain, _tprintf, _tcslen, _T(), ...) for Windows
 * code built on Linux against filemapping.h. Install it beside filemapping.h and include it as
 * <tchar.h>, as on Windows.
 *
 * Without _UNICODE every name is the narrow C function (_tprintf is printf, _tcslen strlen, ...)
 * and _TCHAR is char, holding UTF-8.
 *
 * With _UNICODE (define it together with UNICODE, which filemapping.h reads), _TCHAR is WCHAR:
 * 16-bit UTF-16 units, as on Windows and as the W functions take them, and _T("...") is a u"..."
 * literal. The C library's wide functions cannot serve here, since Linux's wchar_t is 32 bits
 * (wprintf, wcslen and the rest read 32-bit units), so the names below map to small functions of
 * this header that work on WCHAR strings:
 *
 *   - _tprintf, _ftprintf, _vtprintf, _vftprintf format like Microsoft's wprintf and write the
 *     result to the stream as UTF-8 bytes (so a UTF-8 terminal shows it, and printf output can be
 *     mixed in; do not mix them with the C library's wprintf, which makes a stream wide). They
 *     return the number of UTF-16 units written, as wprintf does. Strings and characters follow
 *     Microsoft's rules for the wide functions: %s, %ls, %ws and %c, %lc, %wc take WCHAR strings
 *     and characters; %S, %hs and %C, %hc take narrow (UTF-8) ones. Numbers are formatted by the C
 *     library's snprintf, exactly as the narrow _tprintf formats them, and their length
 *     modifiers have the platform's C meaning (%ld takes a long, 64 bits here); Microsoft's I64,
 *     I32 and I are accepted too. %n is not supported (as Microsoft's CRT refuses it by default):
 *     it prints as written.
 *   - _sntprintf and _vsntprintf have the contract of Microsoft's _snwprintf / _snprintf (in
 *     both modes): with a result of n units and a buffer of count, n < count writes it and a
 *     terminating 0 and returns n; n == count writes it without the 0 and returns n; n > count
 *     writes the first count units, no 0, and returns -1.
 *   - _stprintf is Microsoft's _swprintf / sprintf: (buffer, format, ...), no size. (mingw's
 *     wide _stprintf is the ISO swprintf, which takes a size: portable code uses _sntprintf.)
 *   - _tcslen, _tcscpy, _tcsncpy, _tcscat, _tcscmp, _tcsncmp, _tcschr work on WCHAR units and
 *     behave like their narrow counterparts. _tcscmp and _tcsncmp compare units as unsigned
 *     numbers and return -1, 0 or 1.
 *   - _tmain is wmain, as on Windows. Windows programs written with _tmain need mingw's -municode
 *     there; here this header defines a main (a weak symbol, so that a program's own main wins)
 *     that converts the arguments from UTF-8 to UTF-16 and calls the program's wmain, written
 *     int _tmain(int argc, _TCHAR *argv[]) or int _tmain(void). (Define FILEMAPPING_TCHAR_NO_MAIN
 *     to leave main out.)
 *
 * Invalid UTF-8 converts to U+FFFD and so do lone surrogates in UTF-16 output.
 *
 * Built for Windows (_WIN32), this file includes the system's own <tchar.h> instead (GCC and
 * Clang: #include_next), so a portable build may keep this directory on its include path.
 */
#if defined(_WIN32) && (defined(__GNUC__) || defined(__clang__))
/* On Windows, the system's own tchar.h (this directory may be on a portable build's path). */
#include_next <tchar.h>
#elif defined(_WIN32)
#error "on Windows, include the system's <tchar.h>: this one is for Linux"
#elif !defined(FILEMAPPING_TCHAR_H)
#define FILEMAPPING_TCHAR_H

#include "filemapping.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define _T(x) __T(x)
#define _TEXT(x) __T(x)

/* Microsoft's _snprintf contract over a C vsnprintf (see above). */
static inline int filemapping_vsnprintf(char *buffer, size_t count, const char *format, va_list ap)
{
    va_list again;
    char *whole;
    int n;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, format, ap);
    if (n < 0) {
        va_end(again);
        return -1;
    }
    if ((size_t)n < count) {
        n = vsnprintf(buffer, count, format, again);
        va_end(again);
        return n;
    }
    whole = (char *)malloc((size_t)n + 1);
    if (whole == NULL) {
        va_end(again);
        return -1;
    }
    vsnprintf(whole, (size_t)n + 1, format, again);
    va_end(again);
    memcpy(buffer, whole, count);
    free(whole);
    return (size_t)n == count ? n : -1;
}

static inline int filemapping_snprintf(char *buffer, size_t count, const char *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = filemapping_vsnprintf(buffer, count, format, ap);
    va_end(ap);
    return n;
}

/* ---- WCHAR strings ---------------------------------------------------------------------- */

static inline size_t filemapping_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0) n++;
    return n;
}

static inline WCHAR *filemapping_wcscpy(WCHAR *dst, const WCHAR *src)
{
    size_t i = 0;
    do {
        dst[i] = src[i];
    } while (src[i++] != 0);
    return dst;
}

static inline WCHAR *filemapping_wcsncpy(WCHAR *dst, const WCHAR *src, size_t count)
{
    size_t i = 0;
    for (; i < count && src[i] != 0; i++) dst[i] = src[i];
    for (; i < count; i++) dst[i] = 0;
    return dst;
}

static inline WCHAR *filemapping_wcscat(WCHAR *dst, const WCHAR *src)
{
    filemapping_wcscpy(dst + filemapping_wcslen(dst), src);
    return dst;
}

static inline int filemapping_wcsncmp(const WCHAR *a, const WCHAR *b, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
        if (a[i] == 0) break;
    }
    return 0;
}

static inline int filemapping_wcscmp(const WCHAR *a, const WCHAR *b)
{
    return filemapping_wcsncmp(a, b, (size_t)-1);
}

static inline WCHAR *filemapping_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c) return (WCHAR *)s;
        if (*s == 0) return NULL;
    }
}

/* ---- UTF-8 and UTF-16 ------------------------------------------------------------------- */

/* A growing WCHAR buffer; `failed` is set when memory runs out. */
typedef struct filemapping_wbuf {
    WCHAR *units;
    size_t len, cap;
    int failed;
} filemapping_wbuf;

static inline void filemapping_wbuf_put(filemapping_wbuf *b, WCHAR unit)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        WCHAR *units = (WCHAR *)realloc(b->units, cap * sizeof(WCHAR));
        if (units == NULL) {
            b->failed = 1;
            return;
        }
        b->units = units;
        b->cap = cap;
    }
    b->units[b->len++] = unit;
}

static inline void filemapping_wbuf_put_code_point(filemapping_wbuf *b, unsigned long cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        filemapping_wbuf_put(b, (WCHAR)(0xD800 + (cp >> 10)));
        filemapping_wbuf_put(b, (WCHAR)(0xDC00 + (cp & 0x3FF)));
    } else {
        filemapping_wbuf_put(b, (WCHAR)cp);
    }
}

/*
 * Decodes one code point of UTF-8 from s[0..len) into *cp and returns the bytes used (at least
 * 1); invalid or truncated sequences, overlong forms and surrogates decode as U+FFFD.
 */
static inline size_t filemapping_utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
    unsigned long c;
    size_t need, i;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 1;
        c = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 2;
        c = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 3;
        c = s[0] & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (i = 1; i <= need; i++) {
        if (i >= len || (s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return i;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((need == 2 && c < 0x800) || (need == 3 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD;
    *cp = c;
    return need + 1;
}

/* Appends at most `max` units of the UTF-8 string s (whole code points only). */
static inline void filemapping_wbuf_put_utf8(filemapping_wbuf *b, const char *s, size_t len,
                                             size_t max)
{
    size_t at = 0, start = b->len;
    while (at < len) {
        unsigned long cp;
        size_t used = filemapping_utf8_decode((const unsigned char *)s + at, len - at, &cp);
        if (b->len - start + (cp >= 0x10000 ? 2 : 1) > max) break;
        filemapping_wbuf_put_code_point(b, cp);
        at += used;
    }
}

/* Writes n UTF-16 units to the stream as UTF-8; returns 0, or -1 if the stream fails. */
static inline int filemapping_put_utf16(FILE *stream, const WCHAR *s, size_t n)
{
    unsigned char out[256];
    size_t used = 0, i;
    for (i = 0; i < n; i++) {
        unsigned long cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (used + 4 > sizeof out) {
            if (fwrite(out, 1, used, stream) != used) return -1;
            used = 0;
        }
        if (cp < 0x80) {
            out[used++] = (unsigned char)cp;
        } else if (cp < 0x800) {
            out[used++] = (unsigned char)(0xC0 | (cp >> 6));
            out[used++] = (unsigned char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[used++] = (unsigned char)(0xE0 | (cp >> 12));
            out[used++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            out[used++] = (unsigned char)(0x80 | (cp & 0x3F));
        } else {
            out[used++] = (unsigned char)(0xF0 | (cp >> 18));
            out[used++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            out[used++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            out[used++] = (unsigned char)(0x80 | (cp & 0x3F));
        }
    }
    return fwrite(out, 1, used, stream) == used ? 0 : -1;
}

/* ---- Formatting WCHAR strings ----------------------------------------------------------- */

/* Pads a field: `width` minus `used` spaces. */
static inline void filemapping_wbuf_pad(filemapping_wbuf *b, long width, size_t used)
{
    while (width > 0 && (size_t)width > used) {
        filemapping_wbuf_put(b, ' ');
        width--;
    }
}

/* The length modifiers of a conversion (I64 is LL, I32 is NONE, I is Z). */
enum filemapping_length {
    FILEMAPPING_LEN_NONE,
    FILEMAPPING_LEN_HH,
    FILEMAPPING_LEN_H,
    FILEMAPPING_LEN_L,
    FILEMAPPING_LEN_LL,
    FILEMAPPING_LEN_BIG_L,
    FILEMAPPING_LEN_J,
    FILEMAPPING_LEN_Z,
    FILEMAPPING_LEN_T,
    FILEMAPPING_LEN_W,
    FILEMAPPING_LEN_I32
};

/*
 * Formats like Microsoft's vswprintf into b (no terminating 0). Returns 0, or -1 if memory ran
 * out or the C library could not format a number.
 */
static inline int filemapping_wformat(filemapping_wbuf *b, const WCHAR *format, va_list *ap)
{
    const WCHAR *p = format;
    while (*p != 0) {
        char spec[64], text[512];
        size_t s = 0;
        const WCHAR *start = p;
        int left = 0, have_precision = 0;
        long width = -1, precision = -1;
        enum filemapping_length len = FILEMAPPING_LEN_NONE;
        WCHAR conv;
        /* The one-letter length modifiers; Microsoft's I is pointer-sized, like z. */
        static const char one_letter[] = "hlLjztwI";
        static const unsigned char one_letter_len[] = {
            FILEMAPPING_LEN_H, FILEMAPPING_LEN_L, FILEMAPPING_LEN_BIG_L, FILEMAPPING_LEN_J,
            FILEMAPPING_LEN_Z, FILEMAPPING_LEN_T, FILEMAPPING_LEN_W,     FILEMAPPING_LEN_Z};

        if (*p != '%') {
            filemapping_wbuf_put(b, *p++);
            continue;
        }
        p++;
        if (*p == '%') {
            filemapping_wbuf_put(b, '%');
            p++;
            continue;
        }
        spec[s++] = '%';
        while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0') {
            if (*p == '-') left = 1;
            spec[s++] = (char)*p++;
        }
        if (*p == '*') {
            int w = va_arg(*ap, int);
            p++;
            if (w < 0) {
                left = 1;
                spec[s++] = '-';
                w = -w;
            }
            width = w;
        } else if (*p >= '0' && *p <= '9') {
            width = 0;
            while (*p >= '0' && *p <= '9' && width < 100000) width = width * 10 + (*p++ - '0');
        }
        if (width >= 0) s += (size_t)snprintf(spec + s, sizeof spec - s, "%ld", width);
        if (*p == '.') {
            p++;
            have_precision = 1;
            precision = 0;
            if (*p == '*') {
                int q = va_arg(*ap, int);
                p++;
                precision = q < 0 ? -1 : q;
                have_precision = q >= 0;
            } else {
                while (*p >= '0' && *p <= '9' && precision < 100000)
                    precision = precision * 10 + (*p++ - '0');
            }
            if (have_precision)
                s += (size_t)snprintf(spec + s, sizeof spec - s, ".%ld", precision);
        }
        if ((p[0] == 'h' || p[0] == 'l') && p[1] == p[0]) {
            len = p[0] == 'h' ? FILEMAPPING_LEN_HH : FILEMAPPING_LEN_LL;
            p += 2;
        } else if (p[0] == 'I' && ((p[1] == '6' && p[2] == '4') || (p[1] == '3' && p[2] == '2'))) {
            len = p[1] == '6' ? FILEMAPPING_LEN_LL : FILEMAPPING_LEN_I32;
            p += 3;
        } else if (*p != 0 && *p < 0x80 && strchr(one_letter, (char)*p) != NULL) {
            len = (enum filemapping_length)
                one_letter_len[strchr(one_letter, (char)*p) - one_letter];
            p++;
        }
        conv = *p;
        if (conv == 0) {
            /* A lone % at the end: printed as written. */
            while (start < p) filemapping_wbuf_put(b, *start++);
            break;
        }
        p++;
        switch (conv) {
        case 'd':
        case 'i':
        case 'o':
        case 'u':
        case 'x':
        case 'X': {
            int n;
            /* Read as the modifier says, formatted as the widest type (same value). */
            spec[s++] = 'j';
            spec[s++] = (char)conv;
            spec[s] = 0;
            if (conv == 'd' || conv == 'i') {
                intmax_t v;
                switch (len) {
                case FILEMAPPING_LEN_HH: v = (signed char)va_arg(*ap, int); break;
                case FILEMAPPING_LEN_H: v = (short)va_arg(*ap, int); break;
                case FILEMAPPING_LEN_L: v = va_arg(*ap, long); break;
                case FILEMAPPING_LEN_LL: v = va_arg(*ap, long long); break;
                case FILEMAPPING_LEN_J: v = va_arg(*ap, intmax_t); break;
                case FILEMAPPING_LEN_Z:
                case FILEMAPPING_LEN_T: v = va_arg(*ap, ptrdiff_t); break;
                default: v = va_arg(*ap, int); break;
                }
                n = snprintf(text, sizeof text, spec, v);
            } else {
                uintmax_t v;
                switch (len) {
                case FILEMAPPING_LEN_HH: v = (unsigned char)va_arg(*ap, unsigned int); break;
                case FILEMAPPING_LEN_H: v = (unsigned short)va_arg(*ap, unsigned int); break;
                case FILEMAPPING_LEN_L: v = va_arg(*ap, unsigned long); break;
                case FILEMAPPING_LEN_LL: v = va_arg(*ap, unsigned long long); break;
                case FILEMAPPING_LEN_J: v = va_arg(*ap, uintmax_t); break;
                case FILEMAPPING_LEN_Z:
                case FILEMAPPING_LEN_T: v = va_arg(*ap, size_t); break;
                default: v = va_arg(*ap, unsigned int); break;
                }
                n = snprintf(text, sizeof text, spec, v);
            }
            if (n < 0) return -1;
            filemapping_wbuf_put_utf8(b, text, strlen(text), (size_t)-1);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A': {
            int n;
            if (len == FILEMAPPING_LEN_BIG_L) spec[s++] = 'L';
            spec[s++] = (char)conv;
            spec[s] = 0;
            if (len == FILEMAPPING_LEN_BIG_L)
                n = snprintf(text, sizeof text, spec, va_arg(*ap, long double));
            else
                n = snprintf(text, sizeof text, spec, va_arg(*ap, double));
            if (n < 0) return -1;
            filemapping_wbuf_put_utf8(b, text, strlen(text), (size_t)-1);
            break;
        }
        case 'p': {
            int n;
            spec[s++] = 'p';
            spec[s] = 0;
            n = snprintf(text, sizeof text, spec, va_arg(*ap, void *));
            if (n < 0) return -1;
            filemapping_wbuf_put_utf8(b, text, strlen(text), (size_t)-1);
            break;
        }
        case 'c':
        case 'C': {
            /* Wide: %c, %lc, %wc; narrow: %C, %hc. */
            int narrow = len == FILEMAPPING_LEN_H ||
                         (conv == 'C' && len != FILEMAPPING_LEN_L && len != FILEMAPPING_LEN_W);
            int c = va_arg(*ap, int);
            filemapping_wbuf one = {NULL, 0, 0, 0};
            if (narrow) {
                char byte = (char)c;
                filemapping_wbuf_put_utf8(&one, &byte, 1, 1);
            } else {
                filemapping_wbuf_put(&one, (WCHAR)c);
            }
            if (one.failed) return -1;
            if (!left) filemapping_wbuf_pad(b, width, one.len);
            if (one.len == 1) filemapping_wbuf_put(b, one.units[0]);
            if (left) filemapping_wbuf_pad(b, width, one.len);
            free(one.units);
            break;
        }
        case 's':
        case 'S': {
            /* Wide: %s, %ls, %ws; narrow: %S, %hs. */
            int narrow = len == FILEMAPPING_LEN_H ||
                         (conv == 'S' && len != FILEMAPPING_LEN_L && len != FILEMAPPING_LEN_W);
            size_t max = have_precision ? (size_t)precision : (size_t)-1;
            filemapping_wbuf one = {NULL, 0, 0, 0};
            if (narrow) {
                const char *str = va_arg(*ap, const char *);
                if (str == NULL) str = "(null)";
                filemapping_wbuf_put_utf8(&one, str, strlen(str), max);
            } else {
                static const WCHAR null_text[] = {'(', 'n', 'u', 'l', 'l', ')', 0};
                const WCHAR *str = va_arg(*ap, const WCHAR *);
                size_t i;
                if (str == NULL) str = null_text;
                for (i = 0; i < max && str[i] != 0; i++) filemapping_wbuf_put(&one, str[i]);
            }
            if (one.failed) {
                free(one.units);
                return -1;
            }
            if (!left) filemapping_wbuf_pad(b, width, one.len);
            {
                size_t i;
                for (i = 0; i < one.len; i++) filemapping_wbuf_put(b, one.units[i]);
            }
            if (left) filemapping_wbuf_pad(b, width, one.len);
            free(one.units);
            break;
        }
        default:
            /* %n and unknown conversions: printed as written. */
            while (start < p) filemapping_wbuf_put(b, *start++);
            break;
        }
    }
    return b->failed ? -1 : 0;
}

static inline int filemapping_vfwprintf(FILE *stream, const WCHAR *format, va_list ap)
{
    filemapping_wbuf b = {NULL, 0, 0, 0};
    va_list args;
    int result;
    va_copy(args, ap);
    result = filemapping_wformat(&b, format, &args);
    va_end(args);
    if (result == 0) result = filemapping_put_utf16(stream, b.units, b.len);
    if (result == 0) result = b.len > 0x7FFFFFFF ? 0x7FFFFFFF : (int)b.len;
    free(b.units);
    return result;
}

static inline int filemapping_fwprintf(FILE *stream, const WCHAR *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = filemapping_vfwprintf(stream, format, ap);
    va_end(ap);
    return n;
}

static inline int filemapping_vwprintf(const WCHAR *format, va_list ap)
{
    return filemapping_vfwprintf(stdout, format, ap);
}

static inline int filemapping_wprintf(const WCHAR *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = filemapping_vfwprintf(stdout, format, ap);
    va_end(ap);
    return n;
}

/* Microsoft's _vsnwprintf (see the top of this file). */
static inline int filemapping_vsnwprintf(WCHAR *buffer, size_t count, const WCHAR *format,
                                         va_list ap)
{
    filemapping_wbuf b = {NULL, 0, 0, 0};
    va_list args;
    int result;
    va_copy(args, ap);
    result = filemapping_wformat(&b, format, &args);
    va_end(args);
    if (result == 0) {
        size_t n = b.len < count ? b.len : count;
        if (n > 0) memcpy(buffer, b.units, n * sizeof(WCHAR));
        if (b.len < count) buffer[b.len] = 0;
        result = b.len <= count && b.len <= 0x7FFFFFFF ? (int)b.len : -1;
    }
    free(b.units);
    return result;
}

static inline int filemapping_snwprintf(WCHAR *buffer, size_t count, const WCHAR *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = filemapping_vsnwprintf(buffer, count, format, ap);
    va_end(ap);
    return n;
}

/* Microsoft's _swprintf: no size; the buffer must hold the result and its terminating 0. */
static inline int filemapping_swprintf(WCHAR *buffer, const WCHAR *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = filemapping_vsnwprintf(buffer, (size_t)0x7FFFFFFF, format, ap);
    va_end(ap);
    return n;
}

/* ---- The generic-text names ------------------------------------------------------------- */

#ifdef _UNICODE

typedef WCHAR _TCHAR;
typedef WCHAR _TSCHAR;
typedef WCHAR _TUCHAR;
typedef WCHAR _TXCHAR;
#define __T(x) u##x

#define _tmain wmain
#define _tprintf filemapping_wprintf
#define _ftprintf filemapping_fwprintf
#define _vtprintf filemapping_vwprintf
#define _vftprintf filemapping_vfwprintf
#define _stprintf filemapping_swprintf
#define _sntprintf filemapping_snwprintf
#define _vsntprintf filemapping_vsnwprintf
#define _tcslen filemapping_wcslen
#define _tcscpy filemapping_wcscpy
#define _tcsncpy filemapping_wcsncpy
#define _tcscat filemapping_wcscat
#define _tcscmp filemapping_wcscmp
#define _tcsncmp filemapping_wcsncmp
#define _tcschr filemapping_wcschr

#else

typedef char _TCHAR;
typedef signed char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef unsigned char _TXCHAR;
#define __T(x) x

#define _tmain main
#define _tprintf printf
#define _ftprintf fprintf
#define _vtprintf vprintf
#define _vftprintf vfprintf
#define _stprintf sprintf
#define _sntprintf filemapping_snprintf
#define _vsntprintf filemapping_vsnprintf
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcschr strchr

#endif

#ifdef __cplusplus
}
#endif

/*
 * With _UNICODE: main, calling the program's wmain (_tmain) with its arguments in UTF-16. Weak,
 * so that one in every file that includes this header is fine, and a program's own main wins;
 * wmain is a weak reference, so a program without one still links (and uses its own main).
 */
#if defined(_UNICODE) && !defined(FILEMAPPING_TCHAR_NO_MAIN)
#ifdef __cplusplus
int wmain(int argc, WCHAR *argv[]) __attribute__((weak));
int wmain() __attribute__((weak));
#else
int wmain() __attribute__((weak));
#endif

__attribute__((weak)) int main(int argc, char *argv[])
{
    WCHAR **wargv = (WCHAR **)calloc((size_t)argc + 1, sizeof(WCHAR *));
    int i, code;
    if (wargv == NULL) return 1;
    for (i = 0; i < argc; i++) {
        filemapping_wbuf b = {NULL, 0, 0, 0};
        filemapping_wbuf_put_utf8(&b, argv[i], strlen(argv[i]), (size_t)-1);
        filemapping_wbuf_put(&b, 0);
        if (b.failed) return 1;
        wargv[i] = b.units;
    }
#ifdef __cplusplus
    {
        int (*with_args)(int, WCHAR **) = wmain;
        int (*without_args)() = wmain;
        code = with_args ? with_args(argc, wargv) : without_args ? without_args() : 1;
    }
#else
    code = wmain ? wmain(argc, wargv) : 1;
#endif
    for (i = 0; i < argc; i++) free(wargv[i]);
    free(wargv);
    return code;
}
#endif

#endif /* FILEMAPPING_TCHAR_H (not _WIN32) */
