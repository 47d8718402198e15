/*
 * The generic-text layer: the base types, TCHAR and TEXT(), the undecorated names, the memory
 * macros of filemapping.h, and the names of tchar.h, in whichever mode the program is built
 * (with -DUNICODE -D_UNICODE, or without). Built against the real <windows.h> and <tchar.h>
 * (mingw, with Microsoft's CRT: __USE_MINGW_ANSI_STDIO=0), it prints Windows' own results;
 * scripts/test-ffi-wine.sh compares the two, tests/c_api.rs compares ours with
 * generic.expected (narrow) and generic-unicode.expected.
 *
 * Everything is printed through _tprintf with ASCII text (Wine writes wide output in the ANSI
 * code page, we write UTF-8), and non-ASCII strings as their code units. Given one argument,
 * the program prints it instead: its units in hex and the text itself (the Linux test checks
 * the UTF-8 round trip through main's conversion and _tprintf).
 */
#ifdef _WIN32
#include <windows.h>
#else
#include "filemapping.h"
#endif
#include <stdio.h>
#include <string.h>
#include <tchar.h>

#define SIZE(type) _tprintf(TEXT("sizeof %-10s %d\n"), TEXT(#type), (int)sizeof(type))
#define SIGNED(type) _tprintf(TEXT("signed %-10s %d\n"), TEXT(#type), negative((double)(type)-1))

/* The code units of s, in decimal. */
static void units(const TCHAR *label, const TCHAR *s, size_t n)
{
    size_t i;
    _tprintf(TEXT("%s:"), label);
    for (i = 0; i < n; i++) _tprintf(TEXT(" %u"), (unsigned)(_TUCHAR)s[i]);
    _tprintf(TEXT("\n"));
}

static int negative(double v) { return v < 0; }
static int sign(int n) { return n < 0 ? -1 : n > 0; }

static void types(void)
{
    SIZE(TCHAR); SIZE(_TCHAR); SIZE(TBYTE); SIZE(LPTSTR); SIZE(LPCTSTR);
    SIZE(PVOID); SIZE(LPVOID); SIZE(CHAR); SIZE(UCHAR); SIZE(BYTE); SIZE(WORD); SIZE(SHORT);
    SIZE(USHORT); SIZE(INT); SIZE(UINT); SIZE(LONG); SIZE(ULONG); SIZE(DWORD); SIZE(BOOLEAN);
    SIZE(LONG32); SIZE(ULONG32); SIZE(DWORD32); SIZE(LONG64); SIZE(ULONG64); SIZE(DWORD64);
    SIZE(INT64); SIZE(UINT64); SIZE(INT_PTR); SIZE(UINT_PTR); SIZE(LONG_PTR); SIZE(ULONG_PTR);
    SIZE(DWORD_PTR); SIZE(SIZE_T); SIZE(SSIZE_T); SIZE(WCHAR); SIZE(PBYTE); SIZE(LPBYTE);
    SIZE(LPSTR); SIZE(LPWSTR); SIZE(PCWSTR); SIZE(PHANDLE);
    SIGNED(CHAR); SIGNED(SHORT); SIGNED(INT); SIGNED(UINT); SIGNED(LONG); SIGNED(ULONG);
    SIGNED(LONG64); SIGNED(INT_PTR); SIGNED(UINT_PTR); SIGNED(LONG_PTR); SIGNED(ULONG_PTR);
    SIGNED(SIZE_T); SIGNED(SSIZE_T); SIGNED(WCHAR); SIGNED(BOOLEAN);
}

static volatile int three = 3;

static void text(void)
{
    static const TCHAR accented[] = TEXT("h\u00e9\U0001F600");
    TCHAR buf[16], big[64];
    int n;

    _tprintf(TEXT("sizeof TEXT(\"abc\") %d, _T %d, _TEXT %d\n"), (int)sizeof(TEXT("abc")),
             (int)sizeof(_T("abc")), (int)sizeof(_TEXT("abc")));
    _tprintf(TEXT("_tcslen %d %d\n"), (int)_tcslen(TEXT("")), (int)_tcslen(accented));
    units(TEXT("units"), accented, _tcslen(accented));

    _tcscpy(buf, TEXT("copy"));
    _tcscat(buf, TEXT("+cat"));
    _tprintf(TEXT("_tcscpy/_tcscat [%s] %d\n"), buf, (int)_tcslen(buf));
    FillMemory(buf, sizeof buf, 0x7a);
    _tcsncpy(buf, TEXT("ab"), 5);
    units(TEXT("_tcsncpy pads"), buf, 6);
    /* (A count the compiler cannot see: GCC warns that strncpy cuts the string, as asked.) */
    _tcsncpy(buf, TEXT("abcdef"), (size_t)three);
    units(TEXT("_tcsncpy cuts"), buf, 6);
    _tprintf(TEXT("_tcscmp %d %d %d %d\n"), sign(_tcscmp(TEXT("abc"), TEXT("abc"))),
             sign(_tcscmp(TEXT("abc"), TEXT("abd"))), sign(_tcscmp(TEXT("abc"), TEXT("ab"))),
             sign(_tcscmp(TEXT("\u00e9"), TEXT("z"))));
    _tprintf(TEXT("_tcsncmp %d %d\n"), sign(_tcsncmp(TEXT("abcx"), TEXT("abcy"), 3)),
             sign(_tcsncmp(TEXT("abcx"), TEXT("abcy"), 4)));
    _tprintf(TEXT("_tcschr %d %d %d\n"), (int)(_tcschr(TEXT("hello"), TEXT('l')) - TEXT("hello")),
             _tcschr(TEXT("hello"), TEXT('q')) == NULL,
             (int)(_tcschr(TEXT("hello"), 0) - TEXT("hello")));

    /* _sntprintf: fits (with a 0), exactly fills (no 0), does not fit (-1, no 0). */
    FillMemory(buf, sizeof buf, 0x7a);
    n = _sntprintf(buf, 8, TEXT("%s-%d"), TEXT("ab"), 42);
    _tprintf(TEXT("_sntprintf fits %d [%s]\n"), n, buf);
    FillMemory(buf, sizeof buf, 0x7a);
    n = _sntprintf(buf, 5, TEXT("%s-%d"), TEXT("ab"), 42);
    units(TEXT("_sntprintf exact"), buf, 6);
    _tprintf(TEXT("  returns %d\n"), n);
    FillMemory(buf, sizeof buf, 0x7a);
    n = _sntprintf(buf, 3, TEXT("%s-%d"), TEXT("ab"), 42);
    units(TEXT("_sntprintf over"), buf, 4);
    _tprintf(TEXT("  returns %d\n"), n);
    n = _sntprintf(big, 64, TEXT("%s"), accented);
    units(TEXT("_sntprintf non-ASCII"), big, (size_t)n);
#ifndef _UNICODE
    /* Narrow only: mingw's wide _stprintf is ISO swprintf, which takes a size. */
    n = _stprintf(big, TEXT("%s=%d"), TEXT("x"), 7);
    _tprintf(TEXT("_stprintf %d [%s]\n"), n, big);
#endif
}

static void formats(void)
{
    const TCHAR *s = TEXT("word");
    int n;

    _tprintf(TEXT("strings [%s] [%8s] [%-8s] [%.2s] [%*s] [%-*.*s]\n"), s, s, s, s, 6, s, 7, 3,
             s);
    _tprintf(TEXT("chars [%c] [%3c] [%-3c]\n"), TEXT('x'), TEXT('y'), TEXT('z'));
#ifdef _UNICODE
    /* The wide functions take narrow strings and characters with %hs, %S, %hc and %C. */
    _tprintf(TEXT("narrow [%hs] [%S] [%5hs] [%.1S] [%hc] [%C]\n"), "ab", "cd", "ef", "gh", 'i',
             'j');
    _tprintf(TEXT("wide [%ls] [%ws] [%lc] [%wc]\n"), TEXT("kl"),
             TEXT("mn"), TEXT('o'), TEXT('p'));
#else
    _tprintf(TEXT("narrow [%s] [%s] [%5s] [%.1s] [%c] [%c]\n"), "ab", "cd", "ef", "gh", 'i', 'j');
    _tprintf(TEXT("wide [%s] [%s] [%c] [%c]\n"), "kl", "mn", 'o', 'p');
#endif
    _tprintf(TEXT("ints [%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%i] [%u]\n"), -42, 42, 42, 42, 42,
             42, 7, 4000000000u);
    _tprintf(TEXT("hex [%x] [%X] [%#x] [%o] [%#o] [%08X]\n"), 255u, 255u, 255u, 8u, 8u,
             0xBEEFu);
    _tprintf(TEXT("sizes [%hd] [%hu] [%lld] [%llu] [%llx]\n"), (short)-3, (unsigned short)65535,
             -9000000000LL, 18000000000ULL, 0x123456789ULL);
    _tprintf(TEXT("floats [%.2f] [%8.3f] [%-8.1f] [%g] [%g] [%.0f]\n"), 3.14159, 2.5, -1.75,
             0.0001, 100000.0, 7.0);
    _tprintf(TEXT("percent [%%] [%5.1f%%]\n"), 99.5);
    n = _tprintf(TEXT("returns "));
    _tprintf(TEXT("%d\n"), n);
}

static void memory(void)
{
    BYTE b[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    BYTE c[8];
    int i;

    MoveMemory(b + 2, b, 5);
    _tprintf(TEXT("MoveMemory"));
    for (i = 0; i < 8; i++) _tprintf(TEXT(" %d"), b[i]);
    CopyMemory(c, b, sizeof c);
    ZeroMemory(c + 1, 2);
    FillMemory(c + 5, 3, 0xAB);
    _tprintf(TEXT("\nCopyMemory ZeroMemory FillMemory"));
    for (i = 0; i < 8; i++) _tprintf(TEXT(" %d"), c[i]);
    _tprintf(TEXT("\n"));
}

/* The undecorated names, with TCHAR names: each reaches the A or the W function. */
static void names(void)
{
    static const TCHAR mapping[] = TEXT("fm-generic-\u00e9-map");
    HANDLE m, o, e, f;
    DWORD written = 0;
    BYTE *view;

    m = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, mapping);
    _tprintf(TEXT("CreateFileMapping %d %d\n"), m != NULL, (int)GetLastError());
    o = OpenFileMapping(FILE_MAP_READ, FALSE, mapping);
    _tprintf(TEXT("OpenFileMapping %d\n"), o != NULL);
    view = (BYTE *)MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    if (view != NULL) view[0] = 0x5a;
    UnmapViewOfFile(view);
    view = (BYTE *)MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
    _tprintf(TEXT("shared byte %d\n"), view != NULL ? view[0] : -1);
    UnmapViewOfFile(view);
    CloseHandle(o);
    CloseHandle(m);
    o = OpenFileMapping(FILE_MAP_READ, FALSE, mapping);
    _tprintf(TEXT("OpenFileMapping after close %d %d\n"), o != NULL, (int)GetLastError());

    e = CreateEvent(NULL, TRUE, FALSE, TEXT("fm-generic-event"));
    o = OpenEvent(EVENT_ALL_ACCESS, FALSE, TEXT("fm-generic-event"));
    _tprintf(TEXT("CreateEvent %d OpenEvent %d\n"), e != NULL, o != NULL);
    SetEvent(o);
    _tprintf(TEXT("signaled %d\n"), WaitForSingleObject(e, 0) == WAIT_OBJECT_0);
    CloseHandle(o);
    CloseHandle(e);

    f = CreateFile(TEXT("fm-generic.txt"), GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                   FILE_ATTRIBUTE_NORMAL, NULL);
    _tprintf(TEXT("CreateFile %d\n"), f != INVALID_HANDLE_VALUE);
    WriteFile(f, "12345", 5, &written, NULL);
    _tprintf(TEXT("WriteFile %d\n"), (int)written);
    CloseHandle(f);
    _tprintf(TEXT("DeleteFile %d"), DeleteFile(TEXT("fm-generic.txt")) != 0);
    _tprintf(TEXT(", again %d"), DeleteFile(TEXT("fm-generic.txt")) != 0);
    _tprintf(TEXT(" %d\n"), (int)GetLastError());
}

int _tmain(int argc, _TCHAR *argv[])
{
    if (argc == 2) {
        units(TEXT("argument"), argv[1], _tcslen(argv[1]));
        _tprintf(TEXT("[%s]\n"), argv[1]);
        return 0;
    }
    types();
    text();
    formats();
    memory();
    names();
    return 0;
}
