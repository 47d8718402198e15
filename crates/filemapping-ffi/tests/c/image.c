/*
 * SEC_IMAGE and SEC_IMAGE_NO_EXECUTE (spec §2.4, §6.1, row 32): views of DLLs that the test
 * scripts build with MinGW from crates/filemapping/tests/image/image_dll.c (image-basic.dll,
 * image-bss.dll with a large .bss, image-align.dll with 4 KiB file and 64 KiB section
 * alignments, all three without IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE; image-dynamic.dll with
 * it) in the working directory. Every region of each view is listed as VirtualQuery
 * reports it, with a hash of its bytes. Compared with the same program built against
 * <windows.h> under Wine.
 */
#include "common.h"

static unsigned long hash(const unsigned char *p, size_t n)
{
    unsigned long h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = ((h ^ p[i]) * 16777619u) & 0xffffffffu;
    return h;
}

static int readable(DWORD protect)
{
    return (protect & (PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                       PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)) != 0;
}

/* The number of executable regions of the view `v`. */
static int executable_regions(const unsigned char *v)
{
    size_t off = 0;
    int n = 0;
    for (;;) {
        MEMORY_BASIC_INFORMATION info = query(v + off);
        if (info.AllocationBase != v) break;
        if (info.Protect & (PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY))
            n++;
        off += info.RegionSize;
    }
    return n;
}

/* SEC_IMAGE_NO_EXECUTE: no page of the view is executable (Windows 8+; Wine 8 maps it as
 * SEC_IMAGE). */
static void row_no_execute(void)
{
    HANDLE f, m;
    unsigned char *v;

    f = keep(CreateFileA("image-basic.dll", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         0, NULL));
    m = keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY | SEC_IMAGE_NO_EXECUTE, 0, 0, NULL)));
    v = keep_view(P(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0)));
    if (!wine_differs("SEC_IMAGE_NO_EXECUTE", "handle success executable regions 0",
                      "Wine maps SEC_IMAGE_NO_EXECUTE images executable")) {
        begin("SEC_IMAGE_NO_EXECUTE");
        say(m ? "handle" : "NULL");
        show_fail_only(v);
        num("executable regions", v ? (unsigned long)executable_regions(v) : 0);
        end();
    }
    release_all();
}

static void walk(const char *dll, DWORD attributes)
{
    HANDLE f, m;
    unsigned char *v;
    size_t off = 0;
    char *data = NULL, *rdata = NULL;
    DWORD old = 0;

    begin(dll);
    num("attributes", attributes);
    f = H(CreateFileA(dll, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL));
    if (f == INVALID_HANDLE_VALUE) {
        say("missing");
        end();
        return;
    }
    keep(f);
    m = keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY | attributes, 0, 0, NULL)));
    show_created(m);
    v = keep_view(P(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0)));
    show_fail_only(v);
    end();
    if (!v) return;
    for (;;) {
        MEMORY_BASIC_INFORMATION info = query(v + off);
        if (info.AllocationBase != v) break;
        begin("region");
        num("offset", (unsigned long)off);
        num("size", (unsigned long)info.RegionSize);
        num("State", info.State);
        num("Protect", info.Protect);
        num("Type", info.Type);
        num("AllocationProtect", info.AllocationProtect);
        if (readable(info.Protect)) num("hash", hash(v + off, info.RegionSize));
        end();
        if (off > 0 && !data && info.Protect == PAGE_WRITECOPY) data = (char *)v + off;
        if (off > 0 && !rdata && info.Protect == PAGE_READONLY) rdata = (char *)v + off;
        off += info.RegionSize;
    }
    if (data) {
        /* A written write-copy page becomes the process's own read-write page (spec §5.5). */
        data[0] ^= 1;
        if (!wine_differs("write .data", "Protect 4",
                          "Wine keeps reporting PAGE_WRITECOPY for written pages")) {
            begin("write .data");
            num("Protect", query(data).Protect);
            end();
        }
    }
    if (rdata) {
        /* VirtualProtect(PAGE_READWRITE) on an image page gives PAGE_WRITECOPY (spec §6.2). */
        begin("protect read-write");
        show_b(B(VirtualProtect(rdata, 1, PAGE_READWRITE, &old)));
        num("old", old);
        num("Protect", query(rdata).Protect);
        end();
    }
    release_all();
}

/* A copy of the first `n` bytes of `from` at `to`: a truncated image. */
static void cut(const char *from, const char *to, DWORD n)
{
    static char buf[4096];
    DWORD got = 0, put = 0;
    HANDLE a = CreateFileA(from, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    HANDLE b = CreateFileA(to, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (a == INVALID_HANDLE_VALUE || b == INVALID_HANDLE_VALUE || n > sizeof buf) {
        printf("setup: cannot copy %s\n", from);
        exit(1);
    }
    ReadFile(a, buf, n, &got, NULL);
    WriteFile(b, buf, got, &put, NULL);
    CloseHandle(a);
    CloseHandle(b);
}

static void row_errors(void)
{
    HANDLE f;

    begin("30 data file");
    f = make_file("data.bin", GENERIC_READ, 8192);
    show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL))));
    end();
    release_all();

    cut("image-basic.dll", "image-cut.dll", 1024);
    f = keep(CreateFileA("image-cut.dll", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0,
                         NULL));
    /* Windows checks the sections against the file when it creates the section; Wine only
     * when it maps a view. */
    if (!wine_differs("truncated image", "NULL 193",
                      "Wine creates sections of truncated images, and fails their views")) {
        begin("truncated image");
        show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL))));
        end();
    }
    release_all();

    begin("32 SEC_IMAGE|SEC_WRITECOMBINE");
    f = keep(CreateFileA("image-basic.dll", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         0, NULL));
    show_created(keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY | SEC_IMAGE | SEC_WRITECOMBINE,
                                           0, 0, NULL))));
    end();
    release_all();
}

/* Little-endian fields of the PE headers in a view. */
static DWORD u32_at(const unsigned char *p)
{
    DWORD v;
    memcpy(&v, p, sizeof v);
    return v;
}
static unsigned long long u64_at(const unsigned char *p)
{
    unsigned long long v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The PE32+ optional header of the image in `v` (or in the file's first bytes). */
static const unsigned char *optional_header(const unsigned char *v)
{
    return v + u32_at(v + 0x3c) + 4 + 20;
}

/* The RVA of the export `name` of the image viewed at `v`, 0 if none. */
static DWORD export_rva(const unsigned char *v, const char *name)
{
    const unsigned char *dir = v + u32_at(optional_header(v) + 112);
    DWORD count = u32_at(dir + 24), i;
    const unsigned char *names = v + u32_at(dir + 32);
    const unsigned char *ordinals = v + u32_at(dir + 36);
    const unsigned char *functions = v + u32_at(dir + 28);
    for (i = 0; i < count; i++) {
        WORD ordinal;
        if (strcmp((const char *)v + u32_at(names + 4 * i), name)) continue;
        memcpy(&ordinal, ordinals + 2 * i, sizeof ordinal);
        return u32_at(functions + 4 * ordinal);
    }
    return 0;
}

/* The ImageBase the file `dll` prefers, read from its headers. */
static unsigned long long file_image_base(const char *dll)
{
    static unsigned char head[1024];
    DWORD got = 0;
    HANDLE f = CreateFileA(dll, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    ReadFile(f, head, sizeof head, &got, NULL);
    CloseHandle(f);
    return got == sizeof head ? u64_at(optional_header(head) + 24) : 0;
}

/* A copy of `from` at `to` marked IMAGE_FILE_RELOCS_STRIPPED, its relocation directory
 * emptied: an image that cannot be moved. */
static void strip_relocations(const char *from, const char *to)
{
    static unsigned char buf[1 << 16];
    DWORD got = 0, put = 0;
    WORD characteristics;
    unsigned char *opt;
    HANDLE a = CreateFileA(from, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    HANDLE b = CreateFileA(to, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (a == INVALID_HANDLE_VALUE || b == INVALID_HANDLE_VALUE) {
        printf("setup: cannot copy %s\n", from);
        exit(1);
    }
    ReadFile(a, buf, sizeof buf, &got, NULL);
    opt = (unsigned char *)optional_header(buf);
    memcpy(&characteristics, opt - 2, sizeof characteristics);
    characteristics |= 1;
    memcpy(opt - 2, &characteristics, sizeof characteristics);
    memset(opt + 112 + 5 * 8, 0, 8);
    WriteFile(b, buf, got, &put, NULL);
    CloseHandle(a);
    CloseHandle(b);
}

/* Which base an address `value` was computed for: `rva` past this view, past `other` (another
 * view), past the file's ImageBase, or none of them. */
static const char *relative_to(unsigned long long value, DWORD rva, const unsigned char *v,
                               const unsigned char *other, unsigned long long preferred)
{
    if (value == (unsigned long long)(ULONG_PTR)v + rva) return "this-view";
    if (value == preferred + rva) return "preferred";
    if (other && value == (unsigned long long)(ULONG_PTR)other + rva) return "first-view";
    return "other";
}

/* One view of an image section: where it lies, what its header's ImageBase and the DLL's
 * pointer from .data to .rdata were relocated for, and what VirtualQuery says of that page. */
static void show_image_view(const char *row, const unsigned char *v, const unsigned char *first,
                            unsigned long long preferred)
{
    DWORD pointer = export_rva(v, "image_pointer"), target = export_rva(v, "image_rdata");
    MEMORY_BASIC_INFORMATION info;
    begin(row);
    show_fail_only((void *)v);
    if (v) {
        unsigned long long header = u64_at(optional_header(v) + 24);
        say("at-preferred-base");
        say((unsigned long long)(ULONG_PTR)v == preferred ? "yes" : "no");
        say("header-ImageBase");
        say(relative_to(header, 0, v, first, preferred));
        say("pointer");
        say(pointer && target ? relative_to(u64_at(v + pointer), target, v, first, preferred)
                              : "missing");
        info = query(v + pointer);
        num("Protect", info.Protect);
        num("Type", info.Type);
        num("AllocationProtect", info.AllocationProtect);
    }
    end();
}

/* What Windows gives for image-dynamic.dll: the section is relocated once, for a base the
 * system picks (never the file's), the first view lies there, and every other view shows the
 * same bytes (Wine 9's map_image_into_view, and Wine's ntdll test_syscalls, which relocates
 * a second view of ntdll.dll by its distance from the loaded one). Wine 8 maps the first view
 * at the preferred base, unrelocated. */
static int dynamic_base_under_wine(void)
{
    static const char *const rows[][2] = {
        {"image-dynamic.dll", "relocation handle 0"},
        {"image-dynamic.dll first view",
         "success at-preferred-base no header-ImageBase this-view pointer this-view Protect 8 "
         "Type 16777216 AllocationProtect 128"},
        {"image-dynamic.dll second view",
         "success at-preferred-base no header-ImageBase first-view pointer first-view Protect 8 "
         "Type 16777216 AllocationProtect 128"},
        {"image-dynamic.dll view at an address",
         "success at-preferred-base no header-ImageBase first-view pointer first-view Protect 8 "
         "Type 16777216 AllocationProtect 128"},
        {"image-dynamic.dll view at an address", "at-the-address yes"},
    };
    size_t i;
    if (!under_wine) return 0;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        wine_differs(rows[i][0], rows[i][1],
                     "Wine 8 maps a DYNAMIC_BASE DLL at its preferred base, unrelocated");
    return 1;
}

/* SEC_IMAGE views away from the image's preferred base (spec §6.1): two views of one section,
 * and one at an address the caller gives, of `dll`. */
static void row_relocation(const char *dll)
{
    unsigned long long preferred = file_image_base(dll);
    HANDLE f, m;
    unsigned char *first, *second, *at;
    void *hole;
    char row[96];

    f = keep(CreateFileA(dll, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL));
    m = keep(H(CreateFileMappingA(f, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL)));
    begin(dll);
    say("relocation");
    show_created(m);
    end();
    if (!m) {
        release_all();
        return;
    }
    first = keep_view(P(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0)));
    snprintf(row, sizeof row, "%s first view", dll);
    show_image_view(row, first, NULL, preferred);
    second = keep_view(P(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0)));
    snprintf(row, sizeof row, "%s second view", dll);
    show_image_view(row, second, first, preferred);
    /* An address the caller chooses: a free 64 KiB-aligned range found by reserving one. */
    hole = VirtualAlloc(NULL, 0x400000, MEM_RESERVE, PAGE_NOACCESS);
    VirtualFree(hole, 0, MEM_RELEASE);
    hole = (void *)(((ULONG_PTR)hole + 0xffff) & ~(ULONG_PTR)0xffff);
    at = keep_view(P(MapViewOfFileEx(m, FILE_MAP_READ, 0, 0, 0, hole)));
    snprintf(row, sizeof row, "%s view at an address", dll);
    show_image_view(row, at, first, preferred);
    begin(row);
    say("at-the-address");
    say(at == hole ? "yes" : "no");
    end();
    release_all();
}

int main(void)
{
    under_wine = detect_wine();
    walk("image-basic.dll", SEC_IMAGE);
    row_no_execute();
    walk("image-bss.dll", SEC_IMAGE);
    walk("image-align.dll", SEC_IMAGE);
    row_errors();
    if (!dynamic_base_under_wine()) row_relocation("image-dynamic.dll");
    row_relocation("image-basic.dll");
    strip_relocations("image-basic.dll", "image-stripped.dll");
    row_relocation("image-stripped.dll");
    return 0;
}
