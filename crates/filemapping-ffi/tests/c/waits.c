/*
 * WaitForMultipleObjects, SignalObjectAndWait and PulseEvent: wait-any returns the lowest
 * signaled index and takes only that object; wait-all takes all or nothing (a timed-out wait-all
 * consumes nothing); mixed types and files; WAIT_ABANDONED_0 + i for a mutex whose owner thread
 * ended or whose owner process was killed (a copy of this program started with "child", killed
 * with TerminateProcess / SIGKILL); MAXIMUM_WAIT_OBJECTS; bad counts and handles.
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* kill() under -std=c11 */
#endif
#include "child.h"

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#define WAIT_FILE "waits-file.bin"

#define OWNED_NAME "fm-waits-owned"
#define READY_NAME "fm-waits-ready"

/* The child is killed rather than waited for. */
#ifdef _WIN32
static void kill_child(child_process *pi)
{
    TerminateProcess(pi->hProcess, 9);
    WaitForSingleObject(pi->hProcess, INFINITE);
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
}
#else
static void kill_child(child_process *pid)
{
    int status;
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
}
#endif

/* The child: owns the named mutex, says so, and waits to be killed. */
static int child(void)
{
    HANDLE m = CreateMutexA(NULL, TRUE, OWNED_NAME);
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, READY_NAME);
    if (m == NULL || ready == NULL) return 1;
    SetEvent(ready);
    WaitForSingleObject(CreateEventA(NULL, TRUE, FALSE, NULL), 600000);
    return 0;
}

static HANDLE thread_mutex;

/* A thread that takes the mutex and ends owning it. */
static void owner_thread(void) { WaitForSingleObject(thread_mutex, INFINITE); }

#ifdef _WIN32
static DWORD WINAPI thread_main(LPVOID arg) { (void)arg; owner_thread(); return 0; }
static void run_thread(void)
{
    HANDLE t = CreateThread(NULL, 0, thread_main, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
#else
static void *thread_main(void *arg) { (void)arg; owner_thread(); return NULL; }
static void run_thread(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread_main, NULL);
    pthread_join(t, NULL);
}
#endif

/* WaitForMultipleObjects with the last error preset, printed as "wait <value> [<error>]". */
static void wfmo(const char *label, DWORD n, const HANDLE *hs, BOOL all, DWORD ms)
{
    DWORD r;
    SetLastError(0xdeadbeef);
    r = WaitForMultipleObjects(n, hs, all, ms);
    err = GetLastError();
    if (r == WAIT_FAILED) printf(" %s FAILED %lu", label, (unsigned long)err);
    else printf(" %s %lx", label, (unsigned long)r);
}

static void soaw(const char *label, HANDLE s, HANDLE w, DWORD ms)
{
    DWORD r;
    SetLastError(0xdeadbeef);
    r = SignalObjectAndWait(s, w, ms, FALSE);
    err = GetLastError();
    if (r == WAIT_FAILED) printf(" %s FAILED %lu", label, (unsigned long)err);
    else printf(" %s %lx", label, (unsigned long)r);
}

static void single(const char *label, HANDLE h) { num(label, WaitForSingleObject(h, 0)); }

int main(int argc, char **argv)
{
    HANDLE hs[MAXIMUM_WAIT_OBJECTS + 1];
    HANDLE a, b, manual, s, m, map, file, ready, owned;
    child_process proc;
    int i;

    under_wine = detect_wine();
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();

    begin("any lowest");
    a = keep(CreateEventA(NULL, FALSE, TRUE, NULL));
    b = keep(CreateEventA(NULL, FALSE, TRUE, NULL));
    s = keep(CreateSemaphoreA(NULL, 1, 5, NULL));
    m = keep(CreateMutexA(NULL, FALSE, NULL));
    hs[0] = a; hs[1] = b; hs[2] = s; hs[3] = m;
    wfmo("w1", 4, hs, FALSE, 0);
    wfmo("w2", 4, hs, FALSE, 0);
    wfmo("w3", 4, hs, FALSE, 0);
    wfmo("w4", 4, hs, FALSE, 0);
    wfmo("w5", 4, hs, FALSE, 0);
    show_b(B(ReleaseMutex(m)));
    show_b(B(ReleaseMutex(m)));
    show_b(B(ReleaseMutex(m)));
    wfmo("timeout", 2, hs, FALSE, 20);
    end();

    begin("all or nothing");
    manual = keep(CreateEventA(NULL, TRUE, FALSE, NULL));
    SetEvent(a);
    ReleaseSemaphore(s, 1, NULL);
    hs[0] = a; hs[1] = s; hs[2] = m; hs[3] = manual;
    wfmo("none", 4, hs, TRUE, 0);
    wfmo("none-timed", 4, hs, TRUE, 20);
    single("a", a);
    SetEvent(a);
    show_b(B(ReleaseMutex(m)));
    SetEvent(manual);
    wfmo("all", 4, hs, TRUE, 0);
    single("a-after", a);
    single("s-after", s);
    single("manual-after", manual);
    show_b(B(ReleaseMutex(m)));
    show_b(B(ReleaseMutex(m)));
    end();

    begin("files and mappings");
    file = keep(CreateFileA(WAIT_FILE, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, NULL));
    map = keep(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL));
    hs[0] = a; hs[1] = file; hs[2] = b;
    wfmo("file", 3, hs, FALSE, 0);
    SetEvent(a);
    wfmo("before-file", 3, hs, FALSE, 0);
    SetEvent(b);
    wfmo("all-with-file", 3, hs, TRUE, 0);
    single("b", b);
    hs[0] = a; hs[1] = map;
    wfmo("mapping", 2, hs, FALSE, 0);
    end();

    begin("bad arguments");
    hs[0] = a; hs[1] = (HANDLE)(ULONG_PTR)0x7ff0;
    wfmo("zero", 0, hs, FALSE, 0);
    wfmo("bogus", 2, hs, FALSE, 0);
    hs[1] = NULL;
    wfmo("null-handle", 2, hs, FALSE, 0);
    for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++) hs[i] = a;
    wfmo("65", MAXIMUM_WAIT_OBJECTS + 1, hs, FALSE, 0);
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        hs[i] = keep(CreateEventA(NULL, FALSE, i == MAXIMUM_WAIT_OBJECTS - 1, NULL));
    wfmo("64-any", MAXIMUM_WAIT_OBJECTS, hs, FALSE, 0);
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++) SetEvent(hs[i]);
    wfmo("64-all", MAXIMUM_WAIT_OBJECTS, hs, TRUE, 0);
    wfmo("64-none", MAXIMUM_WAIT_OBJECTS, hs, FALSE, 0);
    end();
    release_all();

    begin("abandoned by a thread");
    thread_mutex = keep(CreateMutexA(NULL, FALSE, NULL));
    a = keep(CreateEventA(NULL, FALSE, FALSE, NULL));
    run_thread();
    hs[0] = a; hs[1] = thread_mutex;
    wfmo("any", 2, hs, FALSE, 0);
    show_b(B(ReleaseMutex(thread_mutex)));
    wfmo("again", 2, hs, FALSE, 0);
    show_b(B(ReleaseMutex(thread_mutex)));
    run_thread();
    SetEvent(a);
    wfmo("all", 2, hs, TRUE, 0);
    show_b(B(ReleaseMutex(thread_mutex)));
    end();
    release_all();

    begin("abandoned by a killed process");
    ready = keep(CreateEventA(NULL, FALSE, FALSE, READY_NAME));
    a = keep(CreateEventA(NULL, FALSE, FALSE, NULL));
    if (spawn_child(&proc, FALSE) != 0) {
        printf(" cannot start the child\n");
        return 1;
    }
    num("ready", WaitForSingleObject(ready, 60000));
    owned = keep(OpenMutexA(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, OWNED_NAME));
    show_h(owned);
    hs[0] = a; hs[1] = owned;
    wfmo("busy", 2, hs, FALSE, 0);
    kill_child(&proc);
    wfmo("killed", 2, hs, FALSE, 60000);
    show_b(B(ReleaseMutex(owned)));
    wfmo("after", 2, hs, FALSE, 0);
    show_b(B(ReleaseMutex(owned)));
    end();
    release_all();

    begin("signal and wait");
    a = keep(CreateEventA(NULL, FALSE, FALSE, NULL));
    b = keep(CreateEventA(NULL, FALSE, TRUE, NULL));
    s = keep(CreateSemaphoreA(NULL, 0, 1, NULL));
    m = keep(CreateMutexA(NULL, FALSE, NULL));
    soaw("event", a, b, 0);
    single("a", a);
    soaw("timeout", a, b, 10);
    soaw("sem-self", s, s, 0);
    ReleaseSemaphore(s, 1, NULL);
    soaw("sem-full", s, a, 0);
    soaw("not-owner", m, a, 0);
    WaitForSingleObject(m, 0);
    SetEvent(a);
    soaw("mutex", m, a, 0);
    show_b(B(ReleaseMutex(m)));
    soaw("bogus", (HANDLE)(ULONG_PTR)0x7ff0, a, 0);
    end();

    begin("pulse");
    manual = keep(CreateEventA(NULL, TRUE, TRUE, NULL));
    a = keep(CreateEventA(NULL, FALSE, TRUE, NULL));
    show_b(B(PulseEvent(manual)));
    single("manual", manual);
    show_b(B(PulseEvent(a)));
    single("auto", a);
    show_b(B(PulseEvent((HANDLE)(ULONG_PTR)0x7ff0)));
    end();
    release_all();
    DeleteFileA(WAIT_FILE);
    return 0;
}
