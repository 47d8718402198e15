/*
 * The C API's own promises, beyond the spec's scenario table: handles checked on every call and
 * usable from any thread, GetLastError per thread, the file functions, named events, and the
 * rows of spec §12 that need them (106). Same rules as conformance.c: built for Windows and
 * Linux, one deterministic line per check.
 */
#include "common.h"

#ifndef _WIN32
#include <pthread.h>
#endif

/* winnt.h has it; mingw's headers lack it. */
#ifndef EVENT_QUERY_STATE
#define EVENT_QUERY_STATE 0x0001
#endif

/* ---- Threads: the only platform-specific part ------------------------------------------- */

typedef DWORD (*thread_fn)(void *arg);
struct thread_call {
    thread_fn fn;
    void *arg;
    DWORD result;
#ifdef _WIN32
    HANDLE thread;
#else
    pthread_t thread;
#endif
};

#ifdef _WIN32
static DWORD WINAPI thread_main(LPVOID arg)
{
    struct thread_call *call = arg;
    call->result = call->fn(call->arg);
    return 0;
}
static void start_thread(struct thread_call *call)
{
    call->thread = CreateThread(NULL, 0, thread_main, call, 0, NULL);
}
static DWORD join_thread(struct thread_call *call)
{
    WaitForSingleObject(call->thread, INFINITE);
    CloseHandle(call->thread);
    return call->result;
}
#else
static void *thread_main(void *arg)
{
    struct thread_call *call = arg;
    call->result = call->fn(call->arg);
    return NULL;
}
static void start_thread(struct thread_call *call)
{
    pthread_create(&call->thread, NULL, thread_main, call);
}
static DWORD join_thread(struct thread_call *call)
{
    pthread_join(call->thread, NULL);
    return call->result;
}
#endif

static DWORD run_in_thread(thread_fn fn, void *arg)
{
    struct thread_call call;
    call.fn = fn;
    call.arg = arg;
    call.result = 0;
    start_thread(&call);
    return join_thread(&call);
}

/* ---- Handles ---------------------------------------------------------------------------- */

static DWORD map_in_thread(void *h)
{
    void *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    DWORD ok = v != NULL;
    UnmapViewOfFile(v);
    return ok;
}

static DWORD last_error_in_thread(void *unused)
{
    DWORD fresh = GetLastError();
    (void)unused;
    SetLastError(ERROR_ACCESS_DENIED);
    return fresh == 0 && GetLastError() == ERROR_ACCESS_DENIED;
}

static void api_handles(void)
{
    HANDLE bogus = (HANDLE)(ULONG_PTR)0x5550;
    HANDLE h = ANON(PAGE_READWRITE, 4096, NULL);
    HANDLE f = make_file("api-handles.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    HANDLE e = keep(CreateEventA(NULL, FALSE, FALSE, NULL));
    HANDLE copy = NULL;
    LARGE_INTEGER size;

    begin("api closed");
    show_b(B(CloseHandle(h)));
    show_b(B(CloseHandle(h)));
    show_p(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0)));
    end();
    begin("api bogus");
    show_b(B(CloseHandle(NULL)));
    show_b(B(CloseHandle(bogus)));
    show_p(P(MapViewOfFile(bogus, FILE_MAP_READ, 0, 0, 0)));
    show_b(B(SetEvent(bogus)));
    end();
    h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    begin("api wrong-type");
    show_p(P(MapViewOfFile(f, FILE_MAP_READ, 0, 0, 0)));
    show_p(P(MapViewOfFile(e, FILE_MAP_READ, 0, 0, 0)));
    show_created(H(CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 4096, NULL)));
    show_b(B(GetFileSizeEx(e, &size)));
    show_b(B(SetEvent(f)));
    show_b(B(SetEvent(h)));
    end();
    begin("api pseudo");
    show_b(B(CloseHandle(GetCurrentProcess())));
    show_b(B(DuplicateHandle(h, h, GetCurrentProcess(), &copy, 0, FALSE, DUPLICATE_SAME_ACCESS)));
    end();
    begin("api duplicate");
    show_b(B(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &copy, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)));
    show_p(keep_view(P(MapViewOfFile(keep(copy), FILE_MAP_WRITE, 0, 0, 0))));
    show_b(B(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(), &copy, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)));
    show_b(B(GetFileSizeEx(keep(copy), &size)));
    num("size", (unsigned long)size.QuadPart);
    end();
    begin("api threads");
    num("map-from-thread", run_in_thread(map_in_thread, h));
    SetLastError(1234);
    num("thread-own-error", run_in_thread(last_error_in_thread, NULL));
    num("main-error", GetLastError());
    end();
    release_all();
}

/* ---- Names ------------------------------------------------------------------------------ */

static void api_names(void)
{
    begin("api wide");
    show_created(keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                           u"Gr\u00fc\u00dfe \U0001F600"))));
    show_h(keep(H(OpenFileMappingW(FILE_MAP_READ, FALSE, u"Gr\u00fc\u00dfe \U0001F600"))));
    show_h(H(OpenFileMappingW(FILE_MAP_READ, FALSE, u"Gr\u00fc\u00dfe")));
    end();
    begin("api empty-name");
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "")));
    show_created(keep(H(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, ""))));
    end();
    release_all();
}

/* ---- Files ------------------------------------------------------------------------------ */

static HANDLE open_file(const char *path, DWORD access, DWORD disposition)
{
    return H(CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL));
}

static void show_file(HANDLE f)
{
    printf(" %s %lu", f == INVALID_HANDLE_VALUE ? "INVALID" : "handle", (unsigned long)err);
    keep(f);
}

static void api_file_open(void)
{
    begin("api CreateFile");
    show_file(open_file("api.bin", GENERIC_READ | GENERIC_WRITE, CREATE_NEW));
    show_file(open_file("api.bin", GENERIC_READ | GENERIC_WRITE, CREATE_NEW));
    show_file(open_file("api.bin", GENERIC_READ, OPEN_ALWAYS));
    show_file(open_file("api.bin", GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS));
    show_file(open_file("api-new.bin", GENERIC_READ, OPEN_ALWAYS));
    show_file(open_file("api-new2.bin", GENERIC_WRITE, CREATE_ALWAYS));
    show_file(open_file("api.bin", GENERIC_WRITE, TRUNCATE_EXISTING));
    end();
    begin("api CreateFile-fails");
    show_file(open_file("missing.bin", GENERIC_READ, OPEN_EXISTING));
    show_file(open_file("no-dir/missing.bin", GENERIC_READ, OPEN_EXISTING));
    show_file(open_file("missing.bin", GENERIC_READ, TRUNCATE_EXISTING));
    show_file(open_file("api.bin", GENERIC_READ, 9));
    show_file(open_file(".", GENERIC_READ, OPEN_EXISTING));
    end();
    begin("api CreateFileW");
    show_file(H(CreateFileW(u"api-wide.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                            FILE_ATTRIBUTE_NORMAL, NULL)));
    end();
    release_all();
}

static void api_file_io(void)
{
    HANDLE f = keep(open_file("io.bin", GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS));
    HANDLE ro;
    LARGE_INTEGER at, pos;
    char buf[16] = {0};
    DWORD n = 99;

    begin("api WriteFile");
    show_b(B(WriteFile(f, "hello", 5, &n, NULL)));
    num("n", n);
    at.QuadPart = 0;
    show_b(B(SetFilePointerEx(f, at, &pos, FILE_BEGIN)));
    num("pos", (unsigned long)pos.QuadPart);
    end();
    begin("api ReadFile");
    show_b(B(ReadFile(f, buf, 16, &n, NULL)));
    num("n", n);
    say(strcmp(buf, "hello") == 0 ? "hello" : "other");
    show_b(B(ReadFile(f, buf, 16, &n, NULL)));
    num("at-eof", n);
    end();
    begin("api SetFilePointerEx");
    at.QuadPart = -1;
    show_b(B(SetFilePointerEx(f, at, &pos, FILE_BEGIN)));
    show_b(B(SetFilePointerEx(f, at, &pos, 7)));
    at.QuadPart = 2;
    show_b(B(SetFilePointerEx(f, at, &pos, FILE_END)));
    num("pos", (unsigned long)pos.QuadPart);
    at.QuadPart = -3;
    show_b(B(SetFilePointerEx(f, at, &pos, FILE_CURRENT)));
    num("pos", (unsigned long)pos.QuadPart);
    end();
    begin("api SetEndOfFile");
    show_b(B(SetEndOfFile(f)));
    show_b(B(GetFileSizeEx(f, &at)));
    num("size", (unsigned long)at.QuadPart);
    show_b(B(FlushFileBuffers(f)));
    end();
    ro = keep(open_file("io.bin", GENERIC_READ, OPEN_EXISTING));
    begin("api read-only");
    show_b(B(WriteFile(ro, "x", 1, &n, NULL)));
    num("n", n);
    show_b(B(FlushFileBuffers(ro)));
    end();
    begin("api wait-file");
    num("wait", WaitForSingleObject(ro, 0));
    end();
    release_all();
    begin("api DeleteFile");
    show_b(B(DeleteFileA("io.bin")));
    show_b(B(DeleteFileA("io.bin")));
    show_b(B(DeleteFileW(u"api-wide.bin")));
    show_b(B(DeleteFileA("no-dir/io.bin")));
    end();
}

/* Row 106: a file that backs a live section cannot shrink. */
static void row_truncate_mapped(void)
{
    HANDLE f = make_file("106.bin", GENERIC_READ | GENERIC_WRITE, 8192);
    HANDLE h = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    void *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    LARGE_INTEGER at;

    begin("106");
    at.QuadPart = 0;
    SetFilePointerEx(f, at, NULL, FILE_BEGIN);
    show_b(B(SetEndOfFile(f)));
    at.QuadPart = 16384;
    SetFilePointerEx(f, at, NULL, FILE_BEGIN);
    say("grow");
    show_b(B(SetEndOfFile(f)));
    UnmapViewOfFile(v);
    at.QuadPart = 0;
    SetFilePointerEx(f, at, NULL, FILE_BEGIN);
    say("no-view");
    show_b(B(SetEndOfFile(f)));
    CloseHandle(h);
    say("closed");
    show_b(B(SetEndOfFile(f)));
    end();
    release_all();
}

/*
 * Issue 12 item 1: a file that backs a live section cannot be truncated by CreateFile
 * (ERROR_USER_MAPPED_FILE) nor deleted (ERROR_ACCESS_DENIED); the view keeps its data. Once
 * the view is unmapped and the section closed, both work.
 */
static void api_mapped_file_stays(void)
{
    HANDLE f = make_file("mapped.bin", GENERIC_READ | GENERIC_WRITE, 8192);
    HANDLE h = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    unsigned char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    LARGE_INTEGER size;

    v[8191] = 7;
    begin("api mapped-truncate");
    show_file(open_file("mapped.bin", GENERIC_READ | GENERIC_WRITE, TRUNCATE_EXISTING));
    show_file(open_file("mapped.bin", GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS));
    show_file(open_file("mapped.bin", GENERIC_READ, CREATE_ALWAYS));
    size.QuadPart = 0;
    GetFileSizeEx(f, &size);
    num("size", (unsigned long)size.QuadPart);
    num("last-byte", v[8191]);
    end();
    /* Wine only marks the file delete-pending (spec §13, Wine deviation 16). */
    if (!wine_differs("api mapped-delete", "FALSE 5 handle 0", "DeleteFile of a mapped file succeeds")) {
        begin("api mapped-delete");
        show_b(B(DeleteFileA("mapped.bin")));
        show_file(open_file("mapped.bin", GENERIC_READ, OPEN_EXISTING));
        end();
    }
    UnmapViewOfFile(v);
    CloseHandle(h);
    begin("api unmapped");
    show_file(open_file("mapped.bin", GENERIC_READ | GENERIC_WRITE, TRUNCATE_EXISTING));
    size.QuadPart = 99;
    GetFileSizeEx(f, &size);
    num("size", (unsigned long)size.QuadPart);
    show_b(B(DeleteFileA("mapped.bin")));
    end();
    release_all();
}

/* ---- Flushing --------------------------------------------------------------------------- */

static void api_flush(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));

    begin("api FlushViewOfFile");
    show_b(B(FlushViewOfFile(v, 4096)));
    show_b(B(FlushViewOfFile(v + 100, 0)));
    /* Past the view: Wine's ERROR_INVALID_PARAMETER is not known to be Windows' (spec §13,
     * Wine deviation 9), so only the failure is checked. */
    show_fail_only(B(FlushViewOfFile(v, 4097)) ? v : NULL);
    show_fail_only(B(FlushViewOfFile(v + 4096, 0)) ? v : NULL);
    end();
    release_all();
}

/* ---- Generic rights (issue 12 item 2) ---------------------------------------------------- */

static void show_dup(HANDLE source, DWORD access, DWORD options, HANDLE *copy)
{
    *copy = NULL;
    show_b(B(DuplicateHandle(GetCurrentProcess(), source, GetCurrentProcess(), copy, access,
                             FALSE, options)));
    keep(*copy);
}

static void api_generic_mapping_rights(void)
{
    HANDLE rw = keep(ANON(PAGE_READWRITE, 4096, "api-generic"));
    HANDLE rwx = keep(ANON(PAGE_EXECUTE_READWRITE, 4096, "api-generic-x"));
    HANDLE h;

    begin("api generic-read");
    show_h(h = keep(H(OpenFileMappingA(GENERIC_READ, FALSE, "api-generic"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0))));
    end();
    begin("api generic-write");
    show_h(h = keep(H(OpenFileMappingA(GENERIC_WRITE, FALSE, "api-generic"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0))));
    show_h(h = keep(H(OpenFileMappingA(GENERIC_READ | GENERIC_WRITE, FALSE, "api-generic"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    end();
    begin("api generic-execute");
    show_h(h = keep(H(OpenFileMappingA(GENERIC_READ | GENERIC_EXECUTE, FALSE, "api-generic-x"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_READ, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    show_h(h = keep(H(OpenFileMappingA(GENERIC_READ, FALSE, "api-generic-x"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_READ, 0, 0, 0))));
    end();
    begin("api generic-all");
    show_h(h = keep(H(OpenFileMappingA(GENERIC_ALL, FALSE, "api-generic"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0))));
    show_h(h = keep(H(OpenFileMappingA(GENERIC_ALL, FALSE, "api-generic-x"))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_WRITE, 0, 0, 0))));
    end();
    begin("api generic-duplicate");
    show_dup(rw, GENERIC_READ, 0, &h);
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0))));
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    show_dup(rw, GENERIC_WRITE, 0, &h);
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    show_dup(rwx, GENERIC_EXECUTE | GENERIC_READ, 0, &h);
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_READ, 0, 0, 0))));
    show_dup(rw, GENERIC_ALL, 0, &h);
    show_p(keep_view(P(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0))));
    end();
    release_all();
}

/* ---- Events ----------------------------------------------------------------------------- */

static void show_wait(HANDLE h, DWORD ms)
{
    DWORD r = (SetLastError(0xdeadbeef), WaitForSingleObject(h, ms));
    err = GetLastError();
    if (r == WAIT_FAILED) printf(" WAIT_FAILED %lu", (unsigned long)err);
    else printf(" %s", r == WAIT_OBJECT_0 ? "signaled" : r == WAIT_TIMEOUT ? "timeout" : "other");
}

static DWORD wait_forever(void *event)
{
    return WaitForSingleObject(event, INFINITE);
}


static void api_events(void)
{
    HANDLE a = keep(CreateEventA(NULL, FALSE, FALSE, "api-auto"));
    HANDLE m = keep(CreateEventW(NULL, TRUE, FALSE, u"api-manual"));
    HANDLE o;
    char long_name[300];

    begin("api CreateEvent");
    show_created(keep(H(CreateEventA(NULL, TRUE, TRUE, "api-auto"))));
    show_created(keep(H(CreateEventA(NULL, FALSE, FALSE, NULL))));
    memset(long_name, 'e', 299);
    long_name[299] = 0;
    show_created(H(CreateEventA(NULL, FALSE, FALSE, long_name)));
    end();
    begin("api auto-reset");
    show_wait(a, 0);
    show_b(B(SetEvent(a)));
    show_wait(a, 0);
    show_wait(a, 0);
    show_wait(a, 50);
    end();
    begin("api manual-reset");
    show_b(B(SetEvent(m)));
    show_wait(m, 0);
    show_wait(m, 0);
    show_b(B(ResetEvent(m)));
    show_wait(m, 0);
    end();
    begin("api OpenEvent");
    o = keep(H(OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, u"api-manual")));
    show_h(o);
    show_b(B(SetEvent(o)));
    show_wait(m, 0);
    show_h(H(OpenEventA(EVENT_ALL_ACCESS, FALSE, "api-missing")));
    show_h(H(OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL)));
    end();
    begin("api wait-other");
    show_wait(keep(ANON(PAGE_READWRITE, 4096, NULL)), 0);
    CloseHandle(o = CreateEventA(NULL, FALSE, FALSE, NULL));
    show_wait(o, 0);
    end();
    begin("api wait-thread");
    {
        /* A thread blocks until this one signals: a real wait, never polling. */
        struct thread_call waiter;
        HANDLE pause = keep(CreateEventA(NULL, TRUE, FALSE, NULL));
        waiter.fn = wait_forever;
        waiter.arg = a;
        start_thread(&waiter);
        show_wait(pause, 100);
        show_b(B(SetEvent(a)));
        num("waiter", join_thread(&waiter));
    }
    end();
    release_all();
}

/* Issue 12 items 2 and 3: an event handle has exactly the rights it was opened with. */
static void api_event_rights(void)
{
    HANDLE e = keep(CreateEventA(NULL, TRUE, FALSE, "api-rights"));
    HANDLE s, m, h;

    begin("api event-rights");
    show_h(s = keep(H(OpenEventA(SYNCHRONIZE, FALSE, "api-rights"))));
    show_b(B(SetEvent(s)));
    show_b(B(ResetEvent(s)));
    show_wait(s, 0);
    show_h(m = keep(H(OpenEventA(EVENT_MODIFY_STATE, FALSE, "api-rights"))));
    show_b(B(SetEvent(m)));
    show_wait(m, 0);
    show_wait(s, 0);
    show_b(B(ResetEvent(m)));
    show_wait(s, 0);
    show_h(h = keep(H(OpenEventA(EVENT_QUERY_STATE, FALSE, "api-rights"))));
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_h(h = keep(H(OpenEventA(0, FALSE, "api-rights"))));
    show_wait(h, 0);
    end();
    begin("api event-generic");
    show_h(h = keep(H(OpenEventA(GENERIC_READ, FALSE, "api-rights"))));
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_h(h = keep(H(OpenEventA(GENERIC_WRITE, FALSE, "api-rights"))));
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_b(B(ResetEvent(h)));
    show_h(h = keep(H(OpenEventA(GENERIC_EXECUTE, FALSE, "api-rights"))));
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_h(h = keep(H(OpenEventA(GENERIC_ALL, FALSE, "api-rights"))));
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_b(B(ResetEvent(h)));
    end();
    begin("api event-duplicate");
    show_dup(e, SYNCHRONIZE, 0, &h);
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_dup(e, GENERIC_WRITE, 0, &h);
    show_b(B(SetEvent(h)));
    show_wait(h, 0);
    show_dup(s, 0, DUPLICATE_SAME_ACCESS, &h);
    show_b(B(ResetEvent(h)));
    show_wait(h, 0);
    show_dup(e, GENERIC_EXECUTE, 0, &h);
    show_wait(h, 0);
    end();
    release_all();
}

/* ---- Name syntax (issue 12 item 7) ------------------------------------------------------ */

static void api_name_syntax(void)
{
    /* An unpaired surrogate is a name character; another surrogate is another name. */
    static const WCHAR high[] = {'a', 'p', 'i', '-', 0xD800, '-', 's', 0};
    static const WCHAR low[] = {'a', 'p', 'i', '-', 0xDC00, '-', 's', 0};
    static const WCHAR swapped[] = {'a', 'p', 'i', '-', 0xDC00, 0xD800, '-', 's', 0};
    HANDLE h, o;
    char *v, *w;

    begin("api name-syntax");
    show_created(H(ANON(PAGE_READWRITE, 4096, "\\api-leading")));
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "\\api-leading")));
    show_created(H(ANON(PAGE_READWRITE, 4096, "Local\\\\api-empty")));
    show_h(H(OpenFileMappingA(FILE_MAP_READ, FALSE, "Local\\\\api-empty")));
    show_created(H(ANON(PAGE_READWRITE, 4096, "Global\\\\api-empty")));
    show_created(H(CreateEventA(NULL, FALSE, FALSE, "\\api-leading")));
    show_h(H(OpenEventA(SYNCHRONIZE, FALSE, "Local\\\\api-empty")));
    show_created(H(ANON(PAGE_READWRITE, 4096, "NoSuchDir\\\\api-empty")));
    end();
    begin("api surrogate");
    h = keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, high)));
    show_created(h);
    show_h(o = keep(H(OpenFileMappingW(FILE_MAP_READ, FALSE, high))));
    show_h(H(OpenFileMappingW(FILE_MAP_READ, FALSE, low)));
    show_created(keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                           high))));
    show_created(keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                           swapped))));
    v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    w = keep_view(MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0));
    if (v && w) {
        strcpy(v, "shared");
        say(strcmp(w, "shared") == 0 ? "same" : "other");
    }
    show_created(keep(H(CreateEventW(NULL, FALSE, FALSE, low))));
    show_h(keep(H(OpenEventW(SYNCHRONIZE, FALSE, low))));
    show_h(H(OpenFileMappingW(FILE_MAP_READ, FALSE, low)));
    end();
    release_all();
}

/* ---- Where Wine differs from Windows (spec §13; tests/c/README.md) ------------------------ */

/* Wine deviations 7 and 12 and version difference 8: sizes and view flags. */
static void api_wine_sizes(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 65536, NULL));

    /* A section of all-ones size (SEC_RESERVE: nothing is committed) is too big. */
    if (!wine_differs("api all-ones-size", "NULL 8", "an all-ones SEC_RESERVE size is accepted")) {
        begin("api all-ones-size");
        show_created(H(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE,
                                          0xFFFFFFFF, 0xFFFFFFFF, NULL)));
        end();
    }
    /* FILE_MAP_LARGE_PAGES on a section without SEC_LARGE_PAGES fails (Windows 10 1703 on; the
     * code is not documented). */
    if (!wine_differs("api large-pages-view", "failed", "MapViewOfFileEx ignores FILE_MAP_LARGE_PAGES")) {
        begin("api large-pages-view");
        show_fail_only(keep_view(P(MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_LARGE_PAGES, 0, 0, 0))));
        end();
    }
    /* Wine deviation 14: a kernel-space base address (Windows: 487 or 87, unverified). */
    if (!wine_differs("api kernel-base", "failed", "a view at a kernel-space address succeeds")) {
        begin("api kernel-base");
        show_fail_only(P(MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0,
                                         (void *)(ULONG_PTR)0xffff800000000000ULL)));
        end();
    }
    release_all();
}

/* Version difference 9: a size with the high dword 0x80000000 on a file fails (the code varies
 * with the file system and the version), and the file keeps its size. */
static void api_huge_file_size(void)
{
    HANDLE f = make_file("api-huge.bin", GENERIC_READ | GENERIC_WRITE, 4096);
    LARGE_INTEGER size;

    begin("api huge-file-size");
    show_fail_only(keep(H(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0x80000000, 0, NULL))));
    size.QuadPart = 0;
    GetFileSizeEx(f, &size);
    num("file", (unsigned long)size.QuadPart);
    end();
    release_all();
    DeleteFileA("api-huge.bin");
}

/* Wine deviation 15: file functions refuse a section handle. */
static void api_section_as_file(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    LARGE_INTEGER size;
    char buf[4];
    DWORD n = 0;

    if (!wine_differs("api section-as-file", "FALSE 6 FALSE 6", "file functions take a section handle")) {
        begin("api section-as-file");
        show_b(B(GetFileSizeEx(h, &size)));
        show_b(B(ReadFile(h, buf, sizeof buf, &n, NULL)));
        end();
    }
    release_all();
}

/* Wine deviation 17: a W name too long for a UNICODE_STRING fails (code unverified); Wine cuts
 * it and creates the object. */
static void api_overlong_wide_name(void)
{
    static WCHAR name[40001];
    int i;

    for (i = 0; i < 40000; i++) name[i] = 'w';
    if (!wine_differs("api overlong-w-name", "failed failed", "an overlong W name is cut")) {
        begin("api overlong-w-name");
        show_fail_only(keep(H(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                                 4096, name))));
        show_fail_only(keep(H(OpenFileMappingW(FILE_MAP_READ, FALSE, name))));
        end();
    }
    release_all();
}

int main(void)
{
    under_wine = detect_wine();
    api_handles();
    api_names();
    api_file_open();
    api_file_io();
    row_truncate_mapped();
    api_mapped_file_stays();
    api_flush();
    api_generic_mapping_rights();
    api_events();
    api_event_rights();
    api_name_syntax();
    api_wine_sizes();
    api_huge_file_size();
    api_section_as_file();
    api_overlong_wide_name();
    DeleteFileA("api.bin");
    return 0;
}
