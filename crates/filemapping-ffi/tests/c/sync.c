/*
 * Mutexes and semaphores: ownership and recursion, ERROR_NOT_OWNER from another thread,
 * abandonment by a thread that ends owning a mutex (WAIT_ABANDONED), rights, counts and their
 * limits (ERROR_TOO_MANY_POSTS, ERROR_INVALID_PARAMETER), the namespace shared with mappings and
 * events (ERROR_INVALID_HANDLE), bad handles, DuplicateHandle and the name's lifetime.
 */
#include "common.h"

#ifndef _WIN32
#include <pthread.h>
#endif

#define MUTEX_NAME "fm-sync-mutex"
#define SEM_NAME "fm-sync-sem"
#define EVENT_NAME "fm-sync-event"
#define MAP_NAME "fm-sync-map"

static HANDLE shared_mutex;
static int thread_mode;

/* The other thread: mode 0 tries the mutex that main owns, mode 1 takes it and ends owning it. */
static void other_thread(void)
{
    if (thread_mode == 0) {
        begin("thread busy");
        num("wait", WaitForSingleObject(shared_mutex, 0));
        show_b(B(ReleaseMutex(shared_mutex)));
        end();
    } else {
        begin("thread owns");
        num("wait", WaitForSingleObject(shared_mutex, INFINITE));
        end();
    }
}

#ifdef _WIN32
static DWORD WINAPI thread_main(LPVOID arg) { (void)arg; other_thread(); return 0; }
static void run_thread(int mode)
{
    HANDLE t;
    thread_mode = mode;
    t = CreateThread(NULL, 0, thread_main, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
#else
static void *thread_main(void *arg) { (void)arg; other_thread(); return NULL; }
static void run_thread(int mode)
{
    pthread_t t;
    thread_mode = mode;
    pthread_create(&t, NULL, thread_main, NULL);
    pthread_join(t, NULL);
}
#endif

int main(void)
{
    HANDLE m, m2, e, s, s2, map, dup;
    LONG prev = -7;

    under_wine = detect_wine();

    begin("mutex create owned");
    m = keep(H(CreateMutexA(NULL, TRUE, MUTEX_NAME)));
    show_created(m);
    num("recursive", WaitForSingleObject(m, 0));
    show_b(B(ReleaseMutex(m)));
    show_b(B(ReleaseMutex(m)));
    show_b(B(ReleaseMutex(m)));
    end();

    begin("mutex create existing");
    m2 = keep(H(CreateMutexA(NULL, TRUE, MUTEX_NAME)));
    show_created(m2);
    show_b(B(ReleaseMutex(m2)));
    end();

    begin("mutex other thread");
    num("wait", WaitForSingleObject(m, 0));
    end();
    shared_mutex = m;
    run_thread(0);
    begin("mutex after thread");
    show_b(B(ReleaseMutex(m)));
    end();

    begin("mutex abandoned by a thread");
    end();
    run_thread(1);
    begin("mutex next waiter");
    num("wait", WaitForSingleObject(m, 1000));
    show_b(B(ReleaseMutex(m)));
    num("again", WaitForSingleObject(m, 0));
    show_b(B(ReleaseMutex(m)));
    end();

    begin("mutex rights");
    m2 = keep(H(OpenMutexA(SYNCHRONIZE, FALSE, MUTEX_NAME)));
    show_h(m2);
    num("wait", WaitForSingleObject(m2, 0));
    show_b(B(ReleaseMutex(m2)));
    m2 = keep(H(OpenMutexA(MUTEX_MODIFY_STATE, FALSE, MUTEX_NAME)));
    show_h(m2);
    SetLastError(0xdeadbeef);
    num("wait", WaitForSingleObject(m2, 0));
    num("error", GetLastError());
    m2 = keep(H(OpenMutexA(GENERIC_EXECUTE, FALSE, MUTEX_NAME)));
    num("generic", WaitForSingleObject(m2, 0));
    show_b(B(ReleaseMutex(m2)));
    end();

    begin("mutex ex");
    m2 = keep(H(CreateMutexExA(NULL, "fm-sync-mutex-ex", CREATE_MUTEX_INITIAL_OWNER, SYNCHRONIZE)));
    show_created(m2);
    show_b(B(ReleaseMutex(m2)));
    show_b(B(ReleaseMutex(m2)));
    end();

    begin("semaphore create");
    s = keep(H(CreateSemaphoreA(NULL, 1, 2, SEM_NAME)));
    show_created(s);
    num("wait", WaitForSingleObject(s, 0));
    num("wait", WaitForSingleObject(s, 10));
    show_b(B(ReleaseSemaphore(s, 2, &prev)));
    num("prev", (unsigned long)prev);
    show_b(B(ReleaseSemaphore(s, 1, NULL)));
    end();

    /* NtReleaseSemaphore refuses a count below 1 before it looks at the handle. */
    if (!wine_differs("semaphore release 0", "FALSE 87 FALSE 87",
                      "ReleaseSemaphore of 0 succeeds")) {
        begin("semaphore release 0");
        show_b(B(ReleaseSemaphore(s, 0, NULL)));
        show_b(B(ReleaseSemaphore(s, -1, NULL)));
        end();
    }

    begin("semaphore existing");
    s2 = keep(H(CreateSemaphoreA(NULL, 0, 9, SEM_NAME)));
    show_created(s2);
    num("wait", WaitForSingleObject(s2, 0));
    show_b(B(ReleaseSemaphore(s2, 1, &prev)));
    num("prev", (unsigned long)prev);
    end();

    begin("semaphore bad counts");
    show_created(H(CreateSemaphoreA(NULL, 0, 0, NULL)));
    show_created(H(CreateSemaphoreA(NULL, -1, 1, NULL)));
    show_created(H(CreateSemaphoreA(NULL, 2, 1, NULL)));
    show_created(H(CreateSemaphoreA(NULL, 0, -3, "fm-sync-bad")));
    end();

    begin("semaphore rights");
    s2 = keep(H(OpenSemaphoreA(SYNCHRONIZE, FALSE, SEM_NAME)));
    show_h(s2);
    show_b(B(ReleaseSemaphore(s2, 1, NULL)));
    num("wait", WaitForSingleObject(s2, 0));
    s2 = keep(H(OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, SEM_NAME)));
    show_b(B(ReleaseSemaphore(s2, 1, &prev)));
    num("prev", (unsigned long)prev);
    SetLastError(0xdeadbeef);
    num("wait", WaitForSingleObject(s2, 0));
    num("error", GetLastError());
    s2 = keep(H(CreateSemaphoreExA(NULL, 0, 1, NULL, 0, SYNCHRONIZE)));
    show_created(s2);
    show_b(B(ReleaseSemaphore(s2, 1, NULL)));
    end();

    begin("other types");
    e = keep(H(CreateEventA(NULL, FALSE, FALSE, EVENT_NAME)));
    show_created(e);
    map = keep(H(ANON(PAGE_READWRITE, 4096, MAP_NAME)));
    show_created(map);
    show_created(H(CreateMutexA(NULL, FALSE, EVENT_NAME)));
    show_created(H(CreateMutexA(NULL, FALSE, SEM_NAME)));
    show_h(H(OpenMutexA(SYNCHRONIZE, FALSE, MAP_NAME)));
    show_created(H(CreateSemaphoreA(NULL, 0, 1, MUTEX_NAME)));
    show_h(H(OpenSemaphoreA(SYNCHRONIZE, FALSE, EVENT_NAME)));
    show_created(H(CreateEventA(NULL, FALSE, FALSE, MUTEX_NAME)));
    show_created(H(ANON(PAGE_READWRITE, 4096, SEM_NAME)));
    end();

    begin("bad handles");
    SetLastError(0xdeadbeef);
    num("wait", WaitForSingleObject(NULL, 0));
    num("error", GetLastError());
    show_b(B(ReleaseMutex(s)));
    show_b(B(ReleaseMutex(NULL)));
    show_b(B(ReleaseSemaphore(m, 1, NULL)));
    show_b(B(ReleaseSemaphore(e, 1, NULL)));
    show_h(H(OpenMutexA(SYNCHRONIZE, FALSE, NULL)));
    end();

    begin("duplicate");
    show_b(B(DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &dup, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)));
    keep(dup);
    num("wait", WaitForSingleObject(m, 0));
    show_b(B(ReleaseMutex(dup)));
    show_b(B(DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &dup, SYNCHRONIZE,
                             FALSE, 0)));
    keep(dup);
    show_b(B(ReleaseSemaphore(dup, 1, NULL)));
    num("wait", WaitForSingleObject(dup, 0));
    end();

    begin("lifetime");
    release_all();
    show_h(H(OpenMutexA(SYNCHRONIZE, FALSE, MUTEX_NAME)));
    show_h(H(OpenSemaphoreA(SYNCHRONIZE, FALSE, SEM_NAME)));
    m = H(CreateMutexA(NULL, FALSE, MUTEX_NAME));
    show_created(m);
    show_b(B(CloseHandle(m)));
    show_b(B(CloseHandle(m)));
    end();
    return 0;
}
