/*
 * SEC_IMAGE and SEC_IMAGE_NO_EXECUTE (spec §2.4, §6.1, row 32): views of DLLs that the test
 * scripts build with MinGW from crates/filemapping/tests/image/image_dll.c (image-basic.dll,
 * image-bss.dll with a large .bss, image-align.dll with 4 KiB file and 64 KiB section
 * alignments) in the working directory. Every region of each view is listed as VirtualQuery
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

int main(void)
{
    under_wine = detect_wine();
    walk("image-basic.dll", SEC_IMAGE);
    row_no_execute();
    walk("image-bss.dll", SEC_IMAGE);
    walk("image-align.dll", SEC_IMAGE);
    row_errors();
    return 0;
}
