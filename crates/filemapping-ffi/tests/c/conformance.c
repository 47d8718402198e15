/*
 * The scenario rows of spec §12 through the Win32 C API, one line per row: the return value and
 * GetLastError where the spec asserts it. Built against <windows.h> and run under Wine, and
 * against filemapping.h on Linux; scripts/test-ffi-wine.sh compares the two outputs and
 * tests/c_api.rs compares the Linux output with conformance.expected.
 *
 * Run in an empty directory (files are created there) and, on Linux, with FILEMAPPING_DIR set to
 * a private namespace root.
 */
#include "common.h"

/* ---- 12.1 CreateFileMapping: parameters ------------------------------------------------- */

static void create_from_file(const char *row, HANDLE f, DWORD prot, DWORD size)
{
    begin(row);
    show_created(keep(H(CreateFileMappingA(f, NULL, prot, 0, size, NULL))));
    end();
}

static void rows_file_sizes(void)
{
    HANDLE f;
    LARGE_INTEGER size;
    void *v;

    f = make_file("empty.bin", GENERIC_READ | GENERIC_WRITE, 0);
    create_from_file("4", f, PAGE_READWRITE, 0);
    f = make_file("empty-r.bin", GENERIC_READ, 0);
    create_from_file("5", f, PAGE_READONLY, 0);
    create_from_file("6", f, PAGE_READWRITE, 0);
    create_from_file("7", f, PAGE_READONLY, 2048);

    f = make_file("3456.bin", GENERIC_READ | GENERIC_WRITE, 0x3456);
    begin("8");
    show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL))));
    v = keep_view(MapViewOfFile(hres, FILE_MAP_READ, 0, 0, 0));
    num("RegionSize", (unsigned long)query(v).RegionSize);
    end();
    create_from_file("9", f, PAGE_READONLY, 0x3457);

    f = make_file("4096.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    create_from_file("10", f, PAGE_WRITECOPY, 8192);
    begin("11");
    show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0x100000, NULL))));
    GetFileSizeEx(f, &size);
    num("file", (unsigned long)size.QuadPart);
    end();

    f = make_file("36.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    begin("12");
    show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 36, NULL))));
    show_p(keep_view(P(MapViewOfFile(hres, FILE_MAP_READ, 0, 0, 36))));
    show_p(P(MapViewOfFile(hres, FILE_MAP_READ, 0, 0, 37)));
    GetFileSizeEx(f, &size);
    num("file", (unsigned long)size.QuadPart);
    end();
    release_all();
}

static void rows_file_access(void)
{
    HANDLE r4 = make_file("r4096.bin", GENERIC_READ, 4096);
    HANDLE r8 = make_file("r8192.bin", GENERIC_READ, 8192);
    HANDLE none = make_file("none.bin", 0, 4096);

    create_from_file("13", r4, PAGE_READWRITE, 4096);
    begin("14");
    show_created(keep(H(CreateFileMappingA(r4, NULL, PAGE_WRITECOPY, 0, 4096, NULL))));
    show_created(keep(H(CreateFileMappingA(r4, NULL, PAGE_READONLY, 0, 4096, NULL))));
    end();
    /* Wine does not check GENERIC_EXECUTE (spec §13, Wine deviation 1). */
    if (!wine_differs("15", "NULL 5", "no GENERIC_EXECUTE check"))
        create_from_file("15", r8, PAGE_EXECUTE_READ, 8192);
    if (!wine_differs("16", "NULL 5 NULL 5", "no GENERIC_EXECUTE check")) {
        begin("16");
        show_created(keep(H(CreateFileMappingA(r8, NULL, PAGE_EXECUTE_WRITECOPY, 0, 8192, NULL))));
        show_created(keep(H(CreateFileMappingA(r8, NULL, PAGE_EXECUTE_READWRITE, 0, 8192, NULL))));
        end();
    }
    begin("17");
    show_created(keep(H(CreateFileMappingA(none, NULL, PAGE_READONLY, 0, 4096, NULL))));
    show_created(keep(H(CreateFileMappingA(none, NULL, PAGE_READWRITE, 0, 4096, NULL))));
    show_created(keep(H(CreateFileMappingA(none, NULL, PAGE_WRITECOPY, 0, 4096, NULL))));
    end();
    release_all();
}

static void rows_protections(void)
{
    static const DWORD bad[] = {0, PAGE_EXECUTE, 0x06, 0x30, 0x0C, 0x90};
    static const DWORD good[] = {PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY,
                                 PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
                                 PAGE_EXECUTE_WRITECOPY};
    HANDLE f = make_file("rwx.bin", GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE, 4096);
    MEMORY_BASIC_INFORMATION info;
    size_t i;

    create_from_file("18", f, PAGE_NOACCESS | SEC_COMMIT, 4096);
    begin("19");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        show_created(H(CreateFileMappingW(f, NULL, bad[i], 0, 4096, NULL)));
    end();
    begin("20");
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        show_created(keep(H(CreateFileMappingW(f, NULL, good[i], 0, 4096, NULL))));
        info = query(keep_view(MapViewOfFile(hres, FILE_MAP_READ, 0, 0, 0)));
        num("Protect", info.Protect);
        num("Type", info.Type);
    }
    end();
    release_all();
}

static void rows_attributes(void)
{
    HANDLE f;

    begin("21");
    show_created(keep(H(ANON(PAGE_READWRITE | SEC_RESERVE, 0x100000, NULL))));
    end();
    begin("22");
    show_created(H(ANON(PAGE_READWRITE | SEC_RESERVE | SEC_COMMIT, 4096, NULL)));
    end();
    begin("23");
    show_created(H(ANON(PAGE_READWRITE | SEC_NOCACHE, 4096, NULL)));
    show_created(H(ANON(PAGE_READWRITE | SEC_WRITECOMBINE, 4096, NULL)));
    show_created(H(ANON(PAGE_READWRITE | SEC_LARGE_PAGES, 4096, NULL)));
    end();
    begin("24");
    show_created(keep(H(ANON(PAGE_READWRITE | SEC_COMMIT | SEC_NOCACHE, 4096, NULL))));
    show_created(keep(H(ANON(PAGE_READWRITE | SEC_COMMIT | SEC_WRITECOMBINE, 4096, NULL))));
    show_created(keep(H(ANON(PAGE_READWRITE | SEC_RESERVE | SEC_NOCACHE, 4096, NULL))));
    end();
    begin("25");
    show_created(H(ANON(PAGE_READWRITE | SEC_RESERVE | SEC_LARGE_PAGES, 4096, NULL)));
    end();
    /* Without SeLockMemoryPrivilege Windows fails, code unverified (evidence X). Wine creates
     * the section (it checks no privilege: spec §13, Wine deviation 13). */
    if (!wine_differs("26", "failed", "no SeLockMemoryPrivilege check")) {
        begin("26");
        show_fail_only(keep(H(ANON(PAGE_READWRITE | SEC_COMMIT | SEC_LARGE_PAGES, 0x200000, NULL))));
        end();
    }
    begin("27");
    show_created(H(ANON(PAGE_READWRITE | SEC_IMAGE, 4096, NULL)));
    end();
    begin("28");
    show_created(H(ANON(PAGE_READWRITE | SEC_IMAGE | SEC_COMMIT, 4096, NULL)));
    show_created(H(ANON(PAGE_READWRITE | SEC_FILE, 4096, NULL)));
    end();

    f = make_file("2000.bin", GENERIC_READ | GENERIC_WRITE, 0x2000);
    create_from_file("29", f, PAGE_READWRITE | SEC_RESERVE, 0x1000);
    create_from_file("30", f, PAGE_READWRITE | SEC_IMAGE, 0);
    create_from_file("31", f, PAGE_READWRITE | SEC_COMMIT | SEC_LARGE_PAGES, 0);
    release_all();
}

static void rows_create_params(void)
{
    HANDLE h;

    begin("1");
    h = keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_COMMIT, 0,
                                  0x1000, u"Wine Test Mapping")));
    show_created(h);
    end();
    begin("2");
    show_created(H(ANON(PAGE_READWRITE, 0, NULL)));
    end();
    keep(ANON(PAGE_READWRITE, 4096, "S3"));
    begin("3");
    show_created(H(ANON(PAGE_READWRITE, 0, "S3")));
    end();
    rows_file_sizes();
    rows_file_access();
    rows_protections();
    rows_attributes();
    /* An event handle is not a file handle (evidence X). */
    begin("33");
    h = keep(CreateEventA(NULL, FALSE, FALSE, NULL));
    show_created(H(CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 4096, NULL)));
    end();
    release_all();
}

/* ---- 12.2 Names, existing objects, lifetime --------------------------------------------- */

static void rows_names(void)
{
    char long_name[301];
    HANDLE h;

    keep(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, u"Wine Test Mapping"));
    begin("34");
    show_created(keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                           u"Wine Test Mapping"))));
    end();
    begin("35");
    h = H(ANON(PAGE_READWRITE, 4096, "WINE TEST MAPPING"));
    show_created(h);
    CloseHandle(h);
    end();
    begin("36");
    show_h(H(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "WINE TEST MAPPING")));
    end();
    begin("37");
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "nope")));
    end();
    begin("38");
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, NULL)));
    end();

    keep(CreateEventA(NULL, TRUE, FALSE, "X39"));
    begin("39");
    show_created(H(ANON(PAGE_READWRITE, 4096, "X39")));
    end();
    begin("40");
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "X39")));
    end();
    keep(ANON(PAGE_READWRITE, 4096, "X41"));
    begin("41");
    show_created(H(CreateEventA(NULL, FALSE, FALSE, "X41")));
    show_h(H(OpenEventA(EVENT_ALL_ACCESS, FALSE, "X41")));
    end();

    keep(ANON(PAGE_READWRITE, 4096, "Local\\Foo42"));
    begin("42");
    show_created(keep(H(ANON(PAGE_READWRITE, 4096, "Foo42"))));
    end();
    begin("43");
    show_created(H(ANON(PAGE_READWRITE, 4096, "NoSuchDir\\Foo")));
    end();
    begin("44");
    show_created(H(ANON(PAGE_READWRITE, 4096, "local\\Foo")));
    end();
    memset(long_name, 'n', 300);
    long_name[300] = 0;
    begin("47");
    show_created(H(ANON(PAGE_READWRITE, 4096, long_name)));
    long_name[259] = 0;
    show_created(keep(H(ANON(PAGE_READWRITE, 4096, long_name))));
    end();
    release_all();
}

static void rows_existing(void)
{
    void *v;

    keep(ANON(PAGE_READWRITE, 4096, "S48"));
    begin("48");
    show_created(keep(H(ANON(PAGE_READWRITE, 65536, "S48"))));
    v = keep_view(P(MapViewOfFile(hres, FILE_MAP_WRITE, 0, 0, 0)));
    show_p(v);
    num("RegionSize", (unsigned long)query(v).RegionSize);
    show_p(P(MapViewOfFile(hres, FILE_MAP_WRITE, 0, 0, 65536)));
    end();

    keep(ANON(PAGE_READWRITE, 4096, "S49"));
    begin("49");
    show_created(keep(H(ANON(PAGE_READONLY, 4096, "S49"))));
    show_p(P(MapViewOfFile(hres, FILE_MAP_WRITE, 0, 0, 0)));
    end();
    release_all();
}

/* Rows 50-52: the name dies with the last handle; the view lives on. */
static void rows_lifetime_memory(void)
{
    MEMORY_BASIC_INFORMATION info;
    HANDLE h = ANON(PAGE_READWRITE, 0x100000, "Foo50");
    HANDLE h2 = OpenFileMappingA(FILE_MAP_READ, FALSE, "Foo50");
    unsigned char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    unsigned char *fresh;

    CloseHandle(h2);
    begin("50");
    show_b(B(CloseHandle(h)));
    v[0x100000 - 1] = 1;
    info = query(v);
    num("State", info.State);
    num("Protect", info.Protect);
    num("Type", info.Type);
    num("RegionSize", (unsigned long)info.RegionSize);
    end();
    begin("51");
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "Foo50")));
    end();
    begin("52");
    show_created(keep(H(ANON(PAGE_READWRITE, 0x100000, "Foo50"))));
    fresh = keep_view(MapViewOfFile(hres, FILE_MAP_READ, 0, 0, 0));
    v[0] = 0x5a;
    num("byte", fresh[0]);
    end();
    release_all();
}

static void rows_lifetime_file(void)
{
    HANDLE f = make_file("53.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    HANDLE h = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0x100000, "Foo53");
    unsigned char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    DWORD *w;

    CloseHandle(h);
    begin("53");
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "Foo53")));
    show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0x100000, "Foo53"))));
    end();
    (void)v;

    h = ANON(PAGE_READWRITE, 4096, "S54");
    w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    *w = 0x1a2b3c4d;
    UnmapViewOfFile(w);
    CloseHandle(h);
    begin("54");
    show_created(keep(H(ANON(PAGE_READWRITE, 4096, "S54"))));
    w = keep_view(MapViewOfFile(hres, FILE_MAP_READ, 0, 0, 0));
    num("dword", *w);
    end();
    release_all();
}

/* ---- 12.3 Handle access and the view compatibility matrix ------------------------------- */

static void show_view_protect(void *v)
{
    show_p(v);
    if (v) num("Protect", query(keep_view(v)).Protect);
}

static void rows_open_access(void)
{
    MEMORY_BASIC_INFORMATION info;
    HANDLE h;

    keep(ANON(PAGE_READWRITE, 4090, "Local\\Foo59"));
    h = keep(OpenFileMappingA(FILE_MAP_READ, FALSE, "Local\\Foo59"));
    begin("59");
    show_p(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0)));
    end();
    begin("60");
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0))));
    info = query(pres);
    num("Protect", info.Protect);
    num("AllocationProtect", info.AllocationProtect);
    num("RegionSize", (unsigned long)info.RegionSize);
    num("State", info.State);
    end();
    h = keep(OpenFileMappingA(FILE_MAP_WRITE, FALSE, "Local\\Foo59"));
    begin("61");
    show_p(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0)));
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0)));
    end();
    begin("62");
    h = keep(H(OpenFileMappingA(PAGE_READWRITE, FALSE, "Local\\Foo59")));
    show_h(h);
    show_p(P(MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, 0)));
    end();
    keep(ANON(PAGE_READONLY, 4096, "RO63"));
    /* Wine does not record the section's maximum protection (spec §13, Wine deviation 4);
     * Windows refuses with STATUS_SECTION_PROTECTION. */
    if (!wine_differs("63", "handle NULL 87", "no maximum protection")) {
        begin("63");
        h = keep(H(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "RO63")));
        show_h(h);
        show_p(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0)));
        end();
    }
    release_all();
}

static void rows_matrix(void)
{
    HANDLE f = make_file("12288.bin", GENERIC_READ | GENERIC_WRITE, 12288);
    HANDLE fx = make_file("x12288.bin", GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE, 12288);
    HANDLE h = keep(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 4096, NULL));

    begin("64");
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 4096)));
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 4096)));
    show_view_protect(P(MapViewOfFile(h, 0, 0, 0, 4096)));
    end();
    begin("65");
    show_p(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 4096)));
    end();
    h = keep(ANON(PAGE_WRITECOPY, 4096, NULL));
    begin("66");
    show_p(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0)));
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0)));
    end();
    h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    begin("67");
    show_p(P(MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_READ, 0, 0, 0)));
    end();
    begin("68");
    show_view_protect(P(MapViewOfFile(keep(CreateFileMappingA(fx, NULL, PAGE_EXECUTE_READWRITE, 0, 0, NULL)),
                                      FILE_MAP_EXECUTE | FILE_MAP_WRITE, 0, 0, 0)));
    end();
    begin("69");
    h = keep(ANON(PAGE_EXECUTE_READ, 4096, NULL));
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_COPY, 0, 0, 0)));
    show_p(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0)));
    end();
    h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    begin("70");
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_COPY, 0, 0, 0)));
    end();
    begin("71");
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0)));
    end();
    begin("72");
    show_view_protect(P(MapViewOfFile(h, 0, 0, 0, 0)));
    show_view_protect(P(MapViewOfFile(h, FILE_MAP_EXECUTE, 0, 0, 0)));
    end();
    release_all();
}

static HANDLE duplicate(HANDLE h, DWORD access)
{
    HANDLE copy = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &copy, access, FALSE, 0))
        printf(" DuplicateHandle-failed %lu", (unsigned long)GetLastError());
    return keep(copy);
}

static void rows_duplicate(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    HANDLE d;

    begin("73");
    d = duplicate(h, FILE_MAP_READ);
    show_p(P(MapViewOfFile(d, FILE_MAP_WRITE, 0, 0, 0)));
    show_view_protect(P(MapViewOfFile(d, 0, 0, 0, 0)));
    end();
    begin("74");
    d = duplicate(h, 0);
    show_p(P(MapViewOfFile(d, 0, 0, 0, 0)));
    end();
    begin("75");
    d = duplicate(h, FILE_MAP_READ | FILE_MAP_WRITE);
    show_view_protect(P(MapViewOfFile(d, FILE_MAP_WRITE, 0, 0, 0)));
    end();
    release_all();
}

/* ---- 12.4 Offsets, sizes, addresses ----------------------------------------------------- */

static void rows_offsets(void)
{
    static const DWORD misaligned[] = {4096, 1, 0x1234, 69632};
    HANDLE f = make_file("128k.bin", GENERIC_READ | GENERIC_WRITE, 128 * 1024);
    HANDLE h = keep(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL));
    size_t i;

    begin("76");
    for (i = 0; i < 4; i++) show_p(P(MapViewOfFile(h, FILE_MAP_READ, 0, misaligned[i], 0)));
    end();
    begin("77");
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 65536, 0))));
    num("RegionSize", (unsigned long)query(pres).RegionSize);
    end();

    f = make_file("3452.bin", GENERIC_READ | GENERIC_WRITE, 0x3452);
    h = keep(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL));
    begin("78");
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0x3452))));
    show_p(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0x3453)));
    end();
    h = keep(ANON(PAGE_READWRITE, 4090, NULL));
    begin("79");
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 4096))));
    show_p(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 4097)));
    end();
    /* Windows probably ERROR_ACCESS_DENIED, Wine ERROR_INVALID_PARAMETER: only failure. */
    h = keep(ANON(PAGE_READWRITE, 65536, NULL));
    begin("80");
    show_fail_only(P(MapViewOfFile(h, FILE_MAP_READ, 0, 65536, 0)));
    show_fail_only(P(MapViewOfFile(h, FILE_MAP_READ, 0, 131072, 0)));
    end();
    begin("81");
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    num("RegionSize", (unsigned long)query(pres).RegionSize);
    end();
    release_all();
}

static void row_past_eof(void)
{
    HANDLE f = make_file("132880.bin", GENERIC_READ | GENERIC_WRITE, 132880);
    HANDLE h = keep(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL));
    unsigned char *v;

    begin("82");
    v = keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0)));
    show_p(v);
    num("RegionSize", (unsigned long)query(v).RegionSize);
    num("past-end", v[135168 - 1]);
    end();
    release_all();
}

static void rows_addresses(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 65536, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    char *r = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    char *w;

    UnmapViewOfFile(r); /* r is now a free, 64 KiB-aligned region */
    begin("83");
    show_p(P(MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, v)));
    end();
    begin("84");
    show_p(P(MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, r + 0x1000)));
    show_p(P(MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, r + 42)));
    end();
    begin("85");
    show_p(keep_view(P(MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, r))));
    say(pres == r ? "at-R" : "elsewhere");
    end();
    begin("86");
    show_p(P(MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 1, 0, v)));
    end();
    begin("87");
    show_p(P(MapViewOfFile(NULL, FILE_MAP_WRITE, 0, 0, 2048)));
    show_p(P(MapViewOfFile(INVALID_HANDLE_VALUE, FILE_MAP_WRITE, 0, 0, 2048)));
    end();
    begin("88");
    w = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    say(w != v ? "different" : "same");
    say(((ULONG_PTR)w % 65536 == 0 && (ULONG_PTR)v % 65536 == 0) ? "aligned" : "misaligned");
    v[100] = 42;
    num("shared", (unsigned long)w[100]);
    end();
    release_all();
}

/* ---- 12.5 Views and Virtual* functions -------------------------------------------------- */

static void show_query(const char *row, const void *p)
{
    MEMORY_BASIC_INFORMATION info = query(p);
    begin(row);
    say(info.BaseAddress == p ? "Base=v" : "Base!=v");
    say(info.AllocationBase == p ? "AllocBase=v" : "AllocBase!=v");
    num("RegionSize", (unsigned long)info.RegionSize);
    num("State", info.State);
    num("Protect", info.Protect);
    num("AllocationProtect", info.AllocationProtect);
    num("Type", info.Type);
    end();
}

static void rows_virtual_reserve(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE | SEC_RESERVE, 0x100000, NULL));
    char *v1 = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    char *v2 = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    MEMORY_BASIC_INFORMATION info = query(v1);

    begin("90");
    num("State", info.State);
    num("Protect", info.Protect);
    num("AllocationProtect", info.AllocationProtect);
    num("Type", info.Type);
    num("RegionSize", (unsigned long)info.RegionSize);
    end();
    begin("91");
    say(P(VirtualAlloc(v1, 0x10000, MEM_COMMIT, PAGE_READONLY)) == v1 ? "v1" : "not-v1");
    num("v1-State", query(v1).State);
    num("v1-Protect", query(v1).Protect);
    num("v1-RegionSize", (unsigned long)query(v1).RegionSize);
    num("v2-State", query(v2).State);
    num("v2-Protect", query(v2).Protect);
    num("v2-RegionSize", (unsigned long)query(v2).RegionSize);
    num("rest-State", query(v2 + 0x10000).State);
    num("rest-RegionSize", (unsigned long)query(v2 + 0x10000).RegionSize);
    v2[0x10000 - 1] = 1;
    end();
    begin("92");
    show_b(B(VirtualFree(v1, 0x10000, MEM_DECOMMIT)));
    end();
    release_all();
}

static void rows_virtual(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 0x100000, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    HANDLE f = make_file("94.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    void *fv = keep_view(MapViewOfFile(keep(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL)),
                                       FILE_MAP_WRITE, 0, 0, 0));
    void *ro = keep_view(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0));

    show_query("89", v);
    begin("92b");
    show_b(B(VirtualFree(v, 0x10000, MEM_DECOMMIT)));
    end();
    begin("93");
    say(P(VirtualAlloc(v, 0x100000, MEM_RESET, PAGE_READONLY)) == v ? "v" : "not-v");
    end();
    begin("94");
    show_p(P(VirtualAlloc(fv, 4096, MEM_COMMIT, PAGE_READONLY)));
    show_p(P(VirtualAlloc(fv, 4096, MEM_COMMIT, PAGE_READWRITE)));
    end();
    begin("95");
    show_p(P(VirtualAlloc(ro, 4096, MEM_COMMIT, PAGE_READWRITE)));
    end();
    release_all();
    rows_virtual_reserve();
}

static void rows_unmap(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 12288, NULL));
    char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    char *heap = malloc(65536);
    MEMORY_BASIC_INFORMATION info;
    static const int inside[] = {100, 4096, 4196};
    int i;

    begin("99");
    show_b(B(UnmapViewOfFile(v)));
    info = query(v);
    num("State", info.State);
    num("Protect", info.Protect);
    say(info.AllocationBase == NULL ? "AllocBase=NULL" : "AllocBase!=NULL");
    num("AllocationProtect", info.AllocationProtect);
    num("Type", info.Type);
    end();
    begin("100");
    for (i = 0; i < 3; i++) {
        v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
        show_b(B(UnmapViewOfFile(v + inside[i])));
        num("State", query(v).State);
    }
    end();
    begin("101");
    show_b(B(UnmapViewOfFile(heap)));
    show_b(B(UnmapViewOfFile(heap + 0x3000)));
    show_b(B(UnmapViewOfFile((void *)(ULONG_PTR)0xdeadbeef)));
    end();
    begin("102");
    show_b(B(UnmapViewOfFile(v)));
    end();
    free(heap);
    release_all();
}

static void rows_flush(void)
{
    static const char text[] = "this is a test string";
    HANDLE h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    HANDLE f = make_file("104.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    char *fv;
    char buf[32] = {0};
    DWORD got = 0;

    begin("103");
    show_b(B(FlushViewOfFile(v, 0)));
    end();
    fv = keep_view(MapViewOfFile(keep(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL)),
                                 FILE_MAP_ALL_ACCESS, 0, 0, 0));
    memcpy(fv, text, 21);
    begin("104");
    show_b(B(FlushViewOfFile(fv, 0)));
    show_b(B(FlushFileBuffers(f)));
    end();
    begin("105");
    show_b(B(ReadFile(f, buf, 21, &got, NULL)));
    num("read", got);
    say(strcmp(buf, text) == 0 ? "same" : "different");
    end();
    release_all();
}

static void rows_system(void)
{
    SYSTEM_INFO si;

    GetSystemInfo(&si);
    begin("107");
    num("dwPageSize", si.dwPageSize);
    num("dwAllocationGranularity", si.dwAllocationGranularity);
    end();
    begin("108");
    num("GetLargePageMinimum", (unsigned long)GetLargePageMinimum());
    end();
}

int main(void)
{
    under_wine = detect_wine();
    rows_create_params();
    rows_names();
    rows_existing();
    rows_lifetime_memory();
    rows_lifetime_file();
    rows_open_access();
    rows_matrix();
    rows_duplicate();
    rows_offsets();
    row_past_eof();
    rows_addresses();
    rows_virtual();
    rows_unmap();
    rows_flush();
    rows_system();
    return 0;
}
