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

/* ---- Flushing --------------------------------------------------------------------------- */

static void api_flush(void)
{
    HANDLE h = keep(ANON(PAGE_READWRITE, 4096, NULL));
    char *v = keep_view(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));

    begin("api FlushViewOfFile");
    show_b(B(FlushViewOfFile(v, 4096)));
    show_b(B(FlushViewOfFile(v + 100, 0)));
    show_b(B(FlushViewOfFile(v, 4097)));
    show_b(B(FlushViewOfFile(v + 4096, 0)));
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

int main(void)
{
    under_wine = detect_wine();
    api_handles();
    api_names();
    api_file_open();
    api_file_io();
    row_truncate_mapped();
    api_flush();
    api_events();
    DeleteFileA("api.bin");
    return 0;
}
