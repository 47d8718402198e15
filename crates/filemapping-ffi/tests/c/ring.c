/*
 * A ring buffer the Windows 10 way (the VirtualAlloc2 documentation's "circular buffer"
 * scenario): a placeholder of twice the size, split in two, one section mapped into each half
 * with MapViewOfFile3(MEM_REPLACE_PLACEHOLDER); a record written across the end of the first
 * view continues at its start. Then the placeholder calls' other paths, and VirtualAlloc2,
 * MapViewOfFile3, UnmapViewOfFile2 and UnmapViewOfFileEx without placeholders.
 *
 * Wine 8 has VirtualAlloc2, MapViewOfFile3 and UnmapViewOfFile2 but no placeholders
 * (VirtualAlloc2 with MEM_RESERVE_PLACEHOLDER fails with ERROR_INVALID_PARAMETER), and its
 * MapViewOfFile3 refuses a NULL process: there those rows print what Windows documents and say
 * on stderr that they were skipped.
 * mingw's import libraries lack these functions, so the Windows build finds them in
 * kernelbase.dll at run time.
 */
#include "common.h"

#ifdef _WIN32
#ifndef MEM_RESERVE_PLACEHOLDER
#define MEM_COALESCE_PLACEHOLDERS 0x00000001
#define MEM_PRESERVE_PLACEHOLDER 0x00000002
#define MEM_REPLACE_PLACEHOLDER 0x00004000
#define MEM_RESERVE_PLACEHOLDER 0x00040000
#endif
typedef PVOID(WINAPI *virtual_alloc2_fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, void *, ULONG);
typedef PVOID(WINAPI *map_view3_fn)(HANDLE, HANDLE, PVOID, ULONG64, SIZE_T, ULONG, ULONG, void *,
                                    ULONG);
typedef BOOL(WINAPI *unmap2_fn)(HANDLE, PVOID, ULONG);
typedef BOOL(WINAPI *unmap_ex_fn)(PVOID, ULONG);
static virtual_alloc2_fn pVirtualAlloc2;
static map_view3_fn pMapViewOfFile3;
static unmap2_fn pUnmapViewOfFile2;
static unmap_ex_fn pUnmapViewOfFileEx;
static void resolve(void)
{
    HMODULE kernelbase = GetModuleHandleA("kernelbase.dll");
    pVirtualAlloc2 = (virtual_alloc2_fn)(void (*)(void))GetProcAddress(kernelbase, "VirtualAlloc2");
    pMapViewOfFile3 = (map_view3_fn)(void (*)(void))GetProcAddress(kernelbase, "MapViewOfFile3");
    pUnmapViewOfFile2 = (unmap2_fn)(void (*)(void))GetProcAddress(kernelbase, "UnmapViewOfFile2");
    pUnmapViewOfFileEx = (unmap_ex_fn)(void (*)(void))GetProcAddress(kernelbase, "UnmapViewOfFileEx");
    if (!pVirtualAlloc2 || !pMapViewOfFile3 || !pUnmapViewOfFile2 || !pUnmapViewOfFileEx) {
        printf("setup: the *2/*3 functions are missing\n");
        exit(1);
    }
}
#else
#define pVirtualAlloc2 VirtualAlloc2
#define pMapViewOfFile3 MapViewOfFile3
#define pUnmapViewOfFile2 UnmapViewOfFile2
#define pUnmapViewOfFileEx UnmapViewOfFileEx
static void resolve(void) {}
#endif

#define RING 65536

/* The documentation's scenario, step by step. */
static void ring_buffer(void)
{
    char *placeholder, *first, *second;
    HANDLE section;
    MEMORY_BASIC_INFORMATION info;

    placeholder = P(pVirtualAlloc2(NULL, NULL, 2 * RING, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
                                   PAGE_NOACCESS, NULL, 0));
    if (placeholder == NULL && under_wine) {
        /* What Windows 10 1803 and later do (the documentation's sample), and this layer. */
        wine_differs("ring-reserve", "view", "no placeholders in Wine 8");
        wine_differs("ring-split", "TRUE reserved 65536 65536", "no placeholders in Wine 8");
        wine_differs("ring-map", "view view adjacent 1", "no placeholders in Wine 8");
        wine_differs("ring-alias", "7 wrapped pped", "no placeholders in Wine 8");
        wine_differs("ring-remap", "TRUE reserved view 112", "no placeholders in Wine 8");
        wine_differs("ring-errors", "failed failed failed FALSE 87", "no placeholders in Wine 8");
        wine_differs("ring-release", "TRUE TRUE TRUE TRUE", "no placeholders in Wine 8");
        wine_differs("placeholder-private", "view TRUE reserved TRUE", "no placeholders in Wine 8");
        wine_differs("placeholder-coalesce", "TRUE TRUE 131072 TRUE", "no placeholders in Wine 8");
        return;
    }
    begin("ring-reserve");
    show_p(placeholder);
    end();

    begin("ring-split");
    show_b(B(VirtualFree(placeholder, RING, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER)));
    info = query(placeholder);
    printf(" %s %lu", info.State == MEM_RESERVE ? "reserved" : "other", (unsigned long)info.RegionSize);
    info = query(placeholder + RING);
    printf(" %lu", (unsigned long)info.RegionSize);
    end();

    section = keep(ANON(PAGE_READWRITE, RING, NULL));
    begin("ring-map");
    first = P(pMapViewOfFile3(section, NULL, placeholder, 0, RING, MEM_REPLACE_PLACEHOLDER,
                              PAGE_READWRITE, NULL, 0));
    show_p(first);
    second = P(pMapViewOfFile3(section, GetCurrentProcess(), placeholder + RING, 0, RING,
                               MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0));
    show_p(second);
    num("adjacent", first == placeholder && second == first + RING);
    end();

    begin("ring-alias");
    first[0] = 7;
    printf(" %d", second[0]);
    memcpy(first + RING - 3, "wrapped", 7);
    printf(" %.7s %.4s", first + RING - 3, first);
    end();

    /* A view unmapped with MEM_PRESERVE_PLACEHOLDER leaves its placeholder: map it again. */
    begin("ring-remap");
    show_b(B(pUnmapViewOfFileEx(second, MEM_PRESERVE_PLACEHOLDER)));
    info = query(placeholder + RING);
    printf(" %s", info.State == MEM_RESERVE ? "reserved" : "other");
    second = P(pMapViewOfFile3(section, NULL, placeholder + RING, 0, RING,
                               MEM_REPLACE_PLACEHOLDER, PAGE_READONLY, NULL, 0));
    show_p(second);
    printf(" %d", second ? second[0] : -1);
    end();

    /* Codes the documentation does not give: only failure (evidence X). */
    begin("ring-errors");
    show_fail_only(pMapViewOfFile3(section, NULL, placeholder, 0, RING, MEM_REPLACE_PLACEHOLDER,
                                   PAGE_READWRITE, NULL, 0)); /* a view, not a placeholder */
    {
        char *other = pVirtualAlloc2(NULL, NULL, 2 * RING, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
                                     PAGE_NOACCESS, NULL, 0);
        /* A view smaller than its placeholder. */
        show_fail_only(pMapViewOfFile3(section, NULL, other, 0, RING, MEM_REPLACE_PLACEHOLDER,
                                       PAGE_READWRITE, NULL, 0));
        /* A placeholder with another protection than PAGE_NOACCESS. */
        show_fail_only(pVirtualAlloc2(NULL, NULL, RING, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
                                      PAGE_READWRITE, NULL, 0));
        /* Whole placeholders cannot be split. */
        show_b(B(VirtualFree(other, 2 * RING, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER)));
        VirtualFree(other, 0, MEM_RELEASE);
    }
    end();

    begin("ring-release");
    show_b(B(pUnmapViewOfFile2(GetCurrentProcess(), first, MEM_PRESERVE_PLACEHOLDER)));
    show_b(B(UnmapViewOfFile(second)));
    show_b(B(VirtualFree(placeholder, 0, MEM_RELEASE)));
    /* The second half's placeholder went with the view's plain unmap; nothing is left. */
    info = query(placeholder);
    show_b(info.State == MEM_FREE);
    end();

    /* Private memory in a placeholder, and back. */
    begin("placeholder-private");
    placeholder = pVirtualAlloc2(NULL, NULL, RING, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
                                 PAGE_NOACCESS, NULL, 0);
    first = P(pVirtualAlloc2(NULL, placeholder, RING, MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER,
                             PAGE_READWRITE, NULL, 0));
    show_p(first);
    if (first) first[5] = 1;
    show_b(B(VirtualFree(placeholder, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER)));
    info = query(placeholder);
    printf(" %s", info.State == MEM_RESERVE ? "reserved" : "other");
    show_b(B(VirtualFree(placeholder, 0, MEM_RELEASE)));
    end();

    /* Split in two, then joined again. */
    begin("placeholder-coalesce");
    placeholder = pVirtualAlloc2(NULL, NULL, 2 * RING, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
                                 PAGE_NOACCESS, NULL, 0);
    show_b(B(VirtualFree(placeholder + RING, RING, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER)));
    show_b(B(VirtualFree(placeholder, 2 * RING, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS)));
    info = query(placeholder);
    printf(" %lu", (unsigned long)info.RegionSize);
    show_b(B(VirtualFree(placeholder, 0, MEM_RELEASE)));
    end();
    release_all();
}

/* The same calls without placeholders: Wine has them. */
static void plain(void)
{
    HANDLE section = keep(ANON(PAGE_READWRITE, RING, NULL));
    char *view, *copy, *memory;

    begin("map3");
    view = P(pMapViewOfFile3(section, GetCurrentProcess(), NULL, 0, 0, 0, PAGE_READWRITE, NULL, 0));
    show_p(view);
    copy = P(pMapViewOfFile3(section, GetCurrentProcess(), NULL, 0, 4096, 0, PAGE_WRITECOPY, NULL, 0));
    show_p(copy);
    if (view && copy) {
        view[0] = 3;
        printf(" %d", copy[0]);
        copy[0] = 4;
        printf(" %d", view[0]);
    }
    show_p(P(pMapViewOfFile3(section, (HANDLE)(intptr_t)0x1234, NULL, 0, 0, 0, PAGE_READWRITE, NULL, 0)));
    end();

    /* A NULL process is the current one (the documentation's sample passes NULL); Wine 8
     * hands NULL to NtMapViewOfSectionEx, which refuses it. */
    if (!wine_differs("map3-null-process", "view TRUE", "MapViewOfFile3 refuses a NULL process")) {
        begin("map3-null-process");
        show_p(P(pMapViewOfFile3(section, NULL, NULL, 0, 0, 0, PAGE_READONLY, NULL, 0)));
        show_b(B(UnmapViewOfFile(pres)));
        end();
    }

    begin("unmap2");
    show_b(B(pUnmapViewOfFile2(GetCurrentProcess(), copy, 0)));
    show_b(B(pUnmapViewOfFile2(GetCurrentProcess(), copy, 0)));
    show_b(B(pUnmapViewOfFileEx(view + 100, 0)));
    show_b(B(pUnmapViewOfFileEx(view, 0)));
    end();

    begin("alloc2");
    memory = P(pVirtualAlloc2(NULL, NULL, 8192, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL, 0));
    show_p(memory);
    if (memory) memory[8191] = 1;
    printf(" %s", query(memory).Type == MEM_PRIVATE ? "private" : "other");
    show_b(B(VirtualFree(memory, 0, MEM_RELEASE)));
    show_p(P(pVirtualAlloc2((HANDLE)(intptr_t)0x1234, NULL, 8192, MEM_RESERVE, PAGE_READWRITE, NULL, 0)));
    end();
    release_all();
}

int main(void)
{
    under_wine = detect_wine();
    resolve();
    ring_buffer();
    plain();
    return 0;
}
