/*
 * VirtualProtect, VirtualAlloc with a protection, private memory (VirtualAlloc/VirtualFree with
 * lpAddress NULL) and VirtualQuery's limits: spec §6.1-6.3, rows 91 and 95-98 of §12.5, and
 * issue 12 (items 4-6). Compared with the same program built against <windows.h> under Wine.
 */
#include "common.h"

static DWORD old;

static void show_old(BOOL ok)
{
    show_b(ok);
    if (ok) num("old", old);
}

static void show_region(const char *label, const void *p)
{
    MEMORY_BASIC_INFORMATION info = query(p);
    printf(" %s:", label);
    num("State", info.State);
    num("Protect", info.Protect);
    num("RegionSize", (unsigned long)info.RegionSize);
}

/* Spec §6.2 on a view of the system's memory: splits, old protections, the allowed set. */
static void rows_protect_view(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 0x10000, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    char *r = keep_view(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0));
    char *c = keep_view(MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0));
    char *n = keep_view(MapViewOfFile(h, 0, 0, 0, 0));

    begin("vp-split");
    show_old(B(VirtualProtect(v + 0x1000, 0x1000, PAGE_READONLY, &old)));
    show_region("v", v);
    show_region("v+1000", v + 0x1000);
    show_region("v+2000", v + 0x2000);
    num("AllocationProtect", query(v + 0x1000).AllocationProtect);
    end();
    begin("vp-span");
    show_old(B(VirtualProtect(v + 0x1800, 0x1000, PAGE_NOACCESS, &old)));
    show_region("v+1000", v + 0x1000);
    show_region("v+3000", v + 0x3000);
    show_old(B(VirtualProtect(v, 0x10000, PAGE_READWRITE, &old)));
    show_region("v", v);
    end();
    begin("vp-null-old");
    show_b(B(VirtualProtect(v, 0x1000, PAGE_READONLY, NULL)));
    num("Protect", query(v).Protect);
    end();
    begin("vp-rw-view");
    show_b(B(VirtualProtect(v, 0x1000, PAGE_EXECUTE_READWRITE, &old)));
    show_b(B(VirtualProtect(v, 0x1000, PAGE_EXECUTE, &old)));
    show_b(B(VirtualProtect(v, 0x1000, 0, &old)));
    show_b(B(VirtualProtect(v, 0x1000, PAGE_READONLY | PAGE_WRITECOPY, &old)));
    show_b(B(VirtualProtect(v + 0xf000, 0x2000, PAGE_READONLY, &old)));
    end();
    begin("96-ro-view");
    show_b(B(VirtualProtect(r, 0x1000, PAGE_READWRITE, &old)));
    show_b(B(VirtualProtect(r, 0x1000, PAGE_EXECUTE_READ, &old)));
    show_old(B(VirtualProtect(r + 0x1000, 0x1000, PAGE_NOACCESS, &old)));
    show_old(B(VirtualProtect(r, 0x1000, PAGE_WRITECOPY, &old)));
    show_region("r", r);
    end();
    begin("vp-copy-view");
    show_b(B(VirtualProtect(c, 0x1000, PAGE_READWRITE, &old)));
    show_old(B(VirtualProtect(c, 0x1000, PAGE_READONLY, &old)));
    show_region("c", c);
    end();
    begin("vp-noaccess-view");
    show_b(B(VirtualProtect(n, 0x1000, PAGE_READONLY, &old)));
    show_old(B(VirtualProtect(n, 0x1000, PAGE_NOACCESS, &old)));
    end();
    /* Row 91's other half, on a SEC_COMMIT view: VirtualAlloc(MEM_COMMIT) with a compatible
     * protection changes the pages' protection. */
    begin("91-protect");
    say(P(VirtualAlloc(v + 0x8000, 0x1000, MEM_COMMIT, PAGE_READONLY)) == v + 0x8000 ? "v" : "not-v");
    show_region("v+8000", v + 0x8000);
    say(P(VirtualAlloc(v + 0x9000, 0x1000, MEM_COMMIT, PAGE_NOACCESS)) == v + 0x9000 ? "v" : "not-v");
    show_region("v+9000", v + 0x9000);
    end();
    release_all();
}

/* Copy-on-write through VirtualProtect: rows 96-98. Wine shares the written pages and keeps
 * them WRITECOPY (spec §13, items 2 and 3). */
static void rows_protect_copy(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 0x10000, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    char *r = keep_view(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0));
    char *c = keep_view(MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0));

    v[0x1000] = 1;
    VirtualProtect(r, 0x2000, PAGE_WRITECOPY, &old);
    begin("96-unwritten");
    num("shows", r[0x1000]);
    end();
    r[0] = 7;
    if (!wine_differs("96-written", "r 7 v 0 r: State 4096 Protect 4 RegionSize 4096 next 8",
                      "copy-on-write writes reach the section and stay WRITECOPY")) {
        begin("96-written");
        num("r", r[0]);
        num("v", v[0]);
        show_region("r", r);
        num("next", query(r + 0x1000).Protect);
        end();
    }
    VirtualProtect(v, 0x2000, PAGE_WRITECOPY, &old);
    v[0x4] = 5;
    if (!wine_differs("97", "v: State 4096 Protect 4 RegionSize 4096 next 8 other 0",
                      "copy-on-write writes reach the section and stay WRITECOPY")) {
        begin("97");
        show_region("v", v);
        num("next", query(v + 0x1000).Protect);
        num("other", c[4]);
        end();
    }
    c[0x3000] = 9;
    if (!wine_differs("97-copy-view", "c: State 4096 Protect 4 RegionSize 4096 v 0",
                      "written copy-on-write pages stay WRITECOPY")) {
        begin("97-copy-view");
        show_region("c", c + 0x3000);
        num("v", v[0x3000]);
        end();
    }
    release_all();
}

/* A read-only file view may become copy-on-write, never read-write (row 96). */
static void rows_protect_file(void)
{
    HANDLE f = make_file("96.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    HANDLE m = keep(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL));
    char *fr = keep_view(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0));
    char buf[4] = {0};
    DWORD got = 0;
    LARGE_INTEGER zero;

    begin("96");
    show_b(B(VirtualProtect(fr, 4096, PAGE_READWRITE, &old)));
    show_old(B(VirtualProtect(fr, 4096, PAGE_WRITECOPY, &old)));
    show_b(B(VirtualProtect(fr, 4096, PAGE_EXECUTE_READ, &old)));
    end();
    fr[0] = 'X';
    zero.QuadPart = 0;
    SetFilePointerEx(f, zero, NULL, FILE_BEGIN);
    ReadFile(f, buf, 1, &got, NULL);
    if (!wine_differs("96-file", "view X file 0",
                      "copy-on-write writes reach the file")) {
        begin("96-file");
        printf(" view %c file %d", fr[0], buf[0]);
        end();
    }
    release_all();
}

/* VirtualProtect on a SEC_RESERVE view's reserved pages. */
static void rows_protect_reserve(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE | SEC_RESERVE, 0x10000, NULL));
    char *w = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));

    begin("vp-reserved");
    show_b(B(VirtualProtect(w, 0x1000, PAGE_READONLY, &old)));
    say(P(VirtualAlloc(w, 0x1000, MEM_COMMIT, PAGE_READONLY)) == w ? "w" : "not-w");
    show_b(B(VirtualProtect(w, 0x2000, PAGE_READONLY, &old)));
    show_old(B(VirtualProtect(w, 0x1000, PAGE_NOACCESS, &old)));
    show_region("w", w);
    end();
    release_all();
}

/* Spec §6.1: views of SEC_NOCACHE and SEC_WRITECOMBINE sections carry PAGE_NOCACHE and
 * PAGE_WRITECOMBINE in AllocationProtect and (once committed) Protect. */
static void show_cache(const char *row, DWORD attributes)
{
    HANDLE h = keep(ANON(PAGE_READWRITE | attributes, 0x10000, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    MEMORY_BASIC_INFORMATION info = query(v);
    begin(row);
    num("AllocationProtect", info.AllocationProtect);
    num("Protect", info.Protect);
    num("State", info.State);
    end();
    release_all();
}

static void rows_cache(void)
{
    show_cache("nocache-commit", SEC_COMMIT | SEC_NOCACHE);
    show_cache("nocache-reserve", SEC_RESERVE | SEC_NOCACHE);
    /* Wine 8 drops PAGE_WRITECOMBINE from the view's protections (Windows keeps it). */
    if (!wine_differs("writecombine", "AllocationProtect 1028 Protect 1028 State 4096",
                      "no PAGE_WRITECOMBINE on views")) {
        show_cache("writecombine", SEC_COMMIT | SEC_WRITECOMBINE);
    }
}

/* Private memory: VirtualAlloc(NULL, ...), VirtualFree, VirtualQuery MEM_PRIVATE. */
static void rows_private(void)
{
    char *p = P(VirtualAlloc(NULL, 0x5000, MEM_RESERVE, PAGE_READWRITE));
    MEMORY_BASIC_INFORMATION info = query(p + 0x1000);
    char *q;

    begin("private-reserve");
    show_p(p);
    say((ULONG_PTR)p % 65536 == 0 ? "aligned" : "unaligned");
    say(info.AllocationBase == p ? "AllocBase=p" : "AllocBase!=p");
    num("AllocationProtect", info.AllocationProtect);
    num("Type", info.Type);
    show_region("p", p);
    show_region("p+1000", p + 0x1000);
    end();
    begin("private-commit");
    say(P(VirtualAlloc(p + 0x1800, 0x10, MEM_COMMIT, PAGE_READONLY)) == p + 0x1000 ? "p+1000" : "other");
    show_region("p", p);
    show_region("p+1000", p + 0x1000);
    show_region("p+2000", p + 0x2000);
    show_p(P(VirtualAlloc(p + 0x4000, 0x2000, MEM_COMMIT, PAGE_READWRITE)));
    say(P(VirtualAlloc(p, 0x5000, MEM_COMMIT, PAGE_READWRITE)) == p ? "p" : "other");
    show_region("p", p);
    num("zero", p[0x4fff]);
    p[0] = 5;
    p[0x1000] = 6;
    end();
    begin("private-protect");
    show_b(B(VirtualProtect(p, 0x1000, PAGE_READONLY, NULL)));
    show_old(B(VirtualProtect(p, 0x1000, PAGE_READONLY, &old)));
    show_region("p", p);
    show_region("p+1000", p + 0x1000);
    show_old(B(VirtualProtect(p + 0x800, 0x1000, PAGE_NOACCESS, &old)));
    show_region("p", p);
    show_b(B(VirtualProtect(p, 0x1000, PAGE_WRITECOPY, &old)));
    show_b(B(VirtualProtect(p, 0x1000, 0, &old)));
    show_old(B(VirtualProtect(p + 0x2000, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old)));
    num("guard", query(p + 0x2000).Protect);
    show_fail_only(P(VirtualProtect(p + 0x4000, 0x2000, PAGE_READWRITE, &old) ? p : NULL));
    show_old(B(VirtualProtect(p, 0x5000, PAGE_READWRITE, &old)));
    num("kept", p[0] + p[0x1000]);
    end();
    begin("private-unmap-flush");
    show_b(B(UnmapViewOfFile(p)));
    show_b(B(UnmapViewOfFile(p + 0x3000)));
    show_b(B(FlushViewOfFile(p, 0)));
    show_b(B(FlushViewOfFile(p + 0x1000, 0x10)));
    end();
    begin("private-decommit");
    show_b(B(VirtualFree(p + 0x1000, 0x1000, MEM_DECOMMIT)));
    show_region("p+1000", p + 0x1000);
    show_b(B(VirtualProtect(p + 0x1000, 0x1000, PAGE_READONLY, &old)));
    show_b(B(VirtualFree(p + 0x2000, 0, MEM_DECOMMIT)));
    say(P(VirtualAlloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE)) == p + 0x1000 ? "p+1000" : "other");
    num("zeroed", p[0x1000]);
    num("kept", p[0]);
    end();
    begin("private-release");
    show_b(B(VirtualFree(p, 0x5000, MEM_RELEASE)));
    show_b(B(VirtualFree(p + 0x1000, 0, MEM_RELEASE)));
    show_b(B(VirtualFree(p, 0, 0)));
    show_b(B(VirtualFree(p, 0, MEM_RELEASE | MEM_DECOMMIT)));
    show_b(B(VirtualFree(p, 0, MEM_RELEASE)));
    info = query(p);
    num("State", info.State);
    say(info.AllocationBase == NULL ? "AllocBase=NULL" : "AllocBase!=NULL");
    num("Type", info.Type);
    show_fail_only(P(VirtualFree(p, 0, MEM_RELEASE) ? p : NULL));
    end();
    begin("private-alloc");
    q = P(VirtualAlloc(NULL, 100, MEM_COMMIT, PAGE_READWRITE));
    show_p(q);
    if (q) {
        show_region("q", q);
        num("Type", query(q).Type);
        show_b(B(VirtualFree(q, 0, MEM_RELEASE)));
    }
    show_p(P(VirtualAlloc(NULL, 0, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)));
    show_p(P(VirtualAlloc(NULL, 100, MEM_COMMIT | MEM_RESERVE, 0)));
    show_p(P(VirtualAlloc(NULL, 100, MEM_COMMIT | MEM_RESERVE, PAGE_WRITECOPY)));
    show_p(P(VirtualAlloc(NULL, 100, 0, PAGE_READWRITE)));
    q = P(VirtualAlloc(NULL, 0x3000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE));
    show_p(q);
    if (q) {
        show_region("q", q);
        num("AllocationProtect", query(q).AllocationProtect);
        VirtualFree(q, 0, MEM_RELEASE);
    }
    q = P(VirtualAlloc(NULL, 100, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS));
    show_p(q);
    if (q) {
        show_region("q", q);
        VirtualFree(q, 0, MEM_RELEASE);
    }
    end();
    begin("private-at");
    q = P(VirtualAlloc(NULL, 0x20000, MEM_RESERVE, PAGE_READWRITE));
    VirtualFree(q, 0, MEM_RELEASE);
    p = P(VirtualAlloc(q + 0x1234, 0x3000, MEM_RESERVE, PAGE_READWRITE));
    say(p == q ? "q" : "other");
    if (p) show_region("p", p);
    show_p(P(VirtualAlloc(q, 0x1000, MEM_RESERVE, PAGE_READWRITE)));
    show_p(P(VirtualAlloc(q + 0x10000, 0x1000, MEM_COMMIT, PAGE_READWRITE)));
    if (p) VirtualFree(p, 0, MEM_RELEASE);
    end();
}

/* Issue 12, item 6: VirtualQuery above the user range. */
static void rows_query_limits(void)
{
    MEMORY_BASIC_INFORMATION info;
    SYSTEM_INFO si;
    static const ULONG_PTR above[] = {0x7fffffff0000ULL, 0x800000000000ULL, 0xffff800000000000ULL,
                                      ~(ULONG_PTR)0};
    int i;

    GetSystemInfo(&si);
    begin("query-limits");
    SetLastError(0xdeadbeef);
    num("max", (unsigned long)VirtualQuery(si.lpMaximumApplicationAddress, &info, sizeof info));
    num("max+1", (unsigned long)VirtualQuery((char *)si.lpMaximumApplicationAddress + 1, &info,
                                            sizeof info));
    num("err", GetLastError());
    for (i = 0; i < 4; i++) {
        SetLastError(0xdeadbeef);
        num("above", (unsigned long)VirtualQuery((void *)above[i], &info, sizeof info));
        num("err", GetLastError());
    }
    end();
}

int main(void)
{
    under_wine = detect_wine();
    rows_protect_view();
    rows_protect_copy();
    rows_protect_file();
    rows_protect_reserve();
    rows_private();
    rows_query_limits();
    rows_cache();
    return 0;
}
