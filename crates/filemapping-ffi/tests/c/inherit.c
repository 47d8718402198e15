/*
 * Handle inheritance (spec §7, row 58): a parent makes mapping, file, event, mutex and
 * semaphore handles inheritable (SECURITY_ATTRIBUTES.bInheritHandle, the bInheritHandle of the
 * Open calls, DuplicateHandle, SetHandleInformation) or not, and starts this program again with
 * the argument "child" and the handle values. The child uses the same values: the inheritable
 * ones work, with the rights the parent's handles have, on the very objects the parent has (an
 * event the child sets is set for the parent, a mutex the child dies holding is abandoned, a
 * semaphore's count is one count); the others are ERROR_INVALID_HANDLE. On Windows the child comes from
 * CreateProcess(bInheritHandles = TRUE); on Linux from fork and execv the first time and from
 * posix_spawn the second, both with the parent's environment. The children print their lines
 * while the parent waits; the parent prints its own afterwards.
 */
#include "common.h"

#ifndef _WIN32
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
#endif

#define TEXT_AT 256

/*
 * An event, a mutex and a semaphore, and a handle opened to each: one set for child_sync, one
 * for child_variants. A set is passed to the children as six arguments, in this order.
 */
struct sync_set {
    HANDLE event, mutex, semaphore, opened_event, opened_mutex, opened_semaphore;
};
#define SYNC_SET_ARGS 6

/* The handle values the child gets on its command line, in this order. */
enum {
    ARG_INHERITED, ARG_PRIVATE, ARG_LATER, ARG_FILE,
    ARG_SYNC, /* the set of child_sync */
    ARG_DUPLICATED_EVENT = ARG_SYNC + SYNC_SET_ARGS, ARG_PRIVATE_EVENT, ARG_LATER_MUTEX,
    ARG_VARIANTS, /* the set of child_variants */
    NARGS = ARG_VARIANTS + SYNC_SET_ARGS
};
static char handles_arg[NARGS][20];

#ifdef _WIN32
static int run_child(int second)
{
    char self[MAX_PATH], cmd[MAX_PATH + 16 + NARGS * 21];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 99;
    int i;
    size_t at;
    (void)second;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetModuleFileNameA(NULL, self, sizeof self);
    at = (size_t)snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    for (i = 0; i < NARGS && at < sizeof cmd; i++)
        at += (size_t)snprintf(cmd + at, sizeof cmd - at, " %s", handles_arg[i]);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) return 95;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}
#else
static int run_child(int second)
{
    char *args[NARGS + 3];
    int status = 0, i;
    pid_t pid;
    args[0] = "inherit";
    args[1] = "child";
    for (i = 0; i < NARGS; i++) args[i + 2] = handles_arg[i];
    args[NARGS + 2] = NULL;
    if (!second) {
        pid = fork();
        if (pid == 0) {
            execv("/proc/self/exe", args);
            _exit(98);
        }
    } else if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ) != 0) {
        return 95;
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return 97;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 96;
}
#endif

static HANDLE parse_handle(const char *text) { return (HANDLE)(uintptr_t)strtoull(text, NULL, 16); }

/* Passes `h` to the children as argument `which` (ARG_*). */
static void set_arg(int which, HANDLE h)
{
    snprintf(handles_arg[which], sizeof handles_arg[which], "%llx", (unsigned long long)(uintptr_t)h);
}

/* The handle value the parent passed as argument `which` (ARG_*). */
static HANDLE arg_handle(char **argv, int which) { return parse_handle(argv[2 + which]); }

/* Passes the set `s` to the children as the arguments from `first` (ARG_SYNC, ARG_VARIANTS). */
static void set_sync_args(int first, const struct sync_set *s)
{
    set_arg(first, s->event);
    set_arg(first + 1, s->mutex);
    set_arg(first + 2, s->semaphore);
    set_arg(first + 3, s->opened_event);
    set_arg(first + 4, s->opened_mutex);
    set_arg(first + 5, s->opened_semaphore);
}

/* The set the parent passed as the arguments from `first` (ARG_SYNC, ARG_VARIANTS). */
static struct sync_set sync_args(char **argv, int first)
{
    struct sync_set s;
    s.event = arg_handle(argv, first);
    s.mutex = arg_handle(argv, first + 1);
    s.semaphore = arg_handle(argv, first + 2);
    s.opened_event = arg_handle(argv, first + 3);
    s.opened_mutex = arg_handle(argv, first + 4);
    s.opened_semaphore = arg_handle(argv, first + 5);
    return s;
}

/* Closes the handles of the set `s`. */
static void close_sync_set(const struct sync_set *s)
{
    CloseHandle(s->event);
    CloseHandle(s->mutex);
    CloseHandle(s->semaphore);
    CloseHandle(s->opened_event);
    CloseHandle(s->opened_mutex);
    CloseHandle(s->opened_semaphore);
}

/* Prints `label` and what waiting `ms` milliseconds for `h` returned (and why, if it failed). */
static void wait_for(const char *label, HANDLE h, DWORD ms)
{
    DWORD got;
    SetLastError(0xdeadbeef);
    got = WaitForSingleObject(h, ms);
    err = GetLastError();
    if (got == WAIT_FAILED) printf(" %s failed %lu", label, (unsigned long)err);
    else num(label, got);
}

/* The flags of `h`, labelled. */
static void show_flags(const char *label, HANDLE h)
{
    DWORD flags = 0;
    if (GetHandleInformation(h, &flags)) num(label, flags);
    else printf(" %s failed %lu", label, (unsigned long)GetLastError());
}

/*
 * The other variants of the calls: a named event created inheritable with CreateEventW, and
 * opened again inheritable with OpenEventW (the child sets it through the second handle and
 * sees it set through the first); mutexes from CreateMutexA and OpenMutexW, semaphores from
 * CreateSemaphoreA and OpenSemaphoreW.
 */
static void child_variants(char **argv)
{
    struct sync_set s = sync_args(argv, ARG_VARIANTS);
    LONG previous = -1;

    begin("58 child variants");
    show_flags("flags", s.event);
    show_flags("opened", s.opened_event);
    show_b(B(SetEvent(s.opened_event)));
    wait_for("event", s.event, 0);
    wait_for("mutex", s.mutex, 10000);
    show_b(B(ReleaseMutex(s.mutex)));
    wait_for("opened-mutex", s.opened_mutex, 10000);
    show_b(B(ReleaseMutex(s.opened_mutex)));
    show_b(B(ReleaseSemaphore(s.semaphore, 1, &previous)));
    num("previous", (unsigned long)previous);
    previous = -1;
    show_b(B(ReleaseSemaphore(s.opened_semaphore, 1, &previous)));
    num("previous", (unsigned long)previous);
    end();
}

/*
 * The child's events, mutexes and semaphores: it sets the event, takes the mutex and dies
 * holding it (the second child finds it abandoned by the first), and adds to the semaphores.
 */
static void child_sync(char **argv)
{
    struct sync_set s = sync_args(argv, ARG_SYNC);
    HANDLE duplicated = arg_handle(argv, ARG_DUPLICATED_EVENT);
    HANDLE private_event = arg_handle(argv, ARG_PRIVATE_EVENT);
    HANDLE later_mutex = arg_handle(argv, ARG_LATER_MUTEX);
    LONG previous = -1;

    begin("58 child event");
    show_flags("flags", s.event);
    show_b(B(SetEvent(s.event)));
    end();

    /* Not released: this process ends owning it. */
    begin("58 child mutex");
    show_flags("flags", s.mutex);
    wait_for("wait", s.mutex, 10000);
    end();

    begin("58 child semaphore");
    show_flags("flags", s.semaphore);
    show_b(B(ReleaseSemaphore(s.semaphore, 2, &previous)));
    num("previous", (unsigned long)previous);
    end();

    /* Opened with SYNCHRONIZE (event, mutex) and SEMAPHORE_MODIFY_STATE (semaphore) only. */
    begin("58 child opened");
    wait_for("event-wait", s.opened_event, 0);
    show_b(B(SetEvent(s.opened_event)));
    wait_for("mutex-wait", s.opened_mutex, 10000);
    show_b(B(ReleaseMutex(s.opened_mutex)));
    previous = -1;
    show_b(B(ReleaseSemaphore(s.opened_semaphore, 1, &previous)));
    num("previous", (unsigned long)previous);
    wait_for("semaphore-wait", s.opened_semaphore, 0);
    end();

    /* A copy with EVENT_MODIFY_STATE only, made inheritable by DuplicateHandle; its source
     * is not inheritable. */
    begin("58 child duplicated");
    show_b(B(SetEvent(duplicated)));
    wait_for("wait", duplicated, 0);
    wait_for("source", private_event, 0);
    show_b(B(SetEvent(private_event)));
    end();

    begin("58 child set-later mutex");
    show_flags("flags", later_mutex);
    wait_for("wait", later_mutex, 10000);
    show_b(B(ReleaseMutex(later_mutex)));
    end();
    child_variants(argv);
}

static int child(char **argv)
{
    HANDLE inherited = arg_handle(argv, ARG_INHERITED);
    HANDLE private_map = arg_handle(argv, ARG_PRIVATE);
    HANDLE later = arg_handle(argv, ARG_LATER), file = arg_handle(argv, ARG_FILE);
    DWORD flags = 0, got = 0;
    char buf[8] = {0};
    char *v;

    begin("58 child inherited");
    v = P(MapViewOfFile(inherited, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, 0));
    show_p(v);
    if (v) {
        printf(" \"%s\"", v + TEXT_AT);
        v[TEXT_AT + 64]++;
        UnmapViewOfFile(v);
    }
    show_b(B(GetHandleInformation(inherited, &flags)));
    num("flags", flags);
    end();

    begin("58 child not-inheritable");
    show_p(P(MapViewOfFile(private_map, FILE_MAP_READ, 0, 0, 0)));
    show_b(B(GetHandleInformation(private_map, &flags)));
    end();

    begin("58 child set-later");
    v = P(MapViewOfFile(later, FILE_MAP_READ, 0, 0, 0));
    show_p(v);
    if (v) {
        printf(" \"%s\"", v);
        UnmapViewOfFile(v);
    }
    end();

    begin("58 child file");
    show_b(B(ReadFile(file, buf, 5, &got, NULL)));
    printf(" %lu \"%s\"", (unsigned long)got, buf);
    end();

    child_sync(argv);
    return 0;
}

/* The parent's events, mutexes and semaphores, made inheritable in each of the ways. */
struct sync_handles {
    struct sync_set sync, variants;
    HANDLE named_event, named_mutex, named_semaphore, w_named_mutex, w_named_semaphore;
    HANDLE private_event, duplicated, later_mutex;
};

/* The handles of child_variants. */
static void parent_variants(struct sync_handles *s)
{
    SECURITY_ATTRIBUTES inherit = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};
    struct sync_set *v = &s->variants;

    begin("58 parent variants");
    show_created(v->event = H(CreateEventW(&inherit, TRUE, FALSE, u"fm-inherit-w-event")));
    show_created(v->mutex = H(CreateMutexA(&inherit, FALSE, NULL)));
    show_created(v->semaphore = H(CreateSemaphoreA(&inherit, 0, 5, NULL)));
    show_h(v->opened_event = H(OpenEventW(EVENT_MODIFY_STATE, TRUE, u"fm-inherit-w-event")));
    s->w_named_mutex = CreateMutexW(NULL, FALSE, u"fm-inherit-w-mutex");
    show_h(v->opened_mutex = H(OpenMutexW(SYNCHRONIZE | MUTEX_MODIFY_STATE, TRUE,
                                          u"fm-inherit-w-mutex")));
    s->w_named_semaphore = CreateSemaphoreW(NULL, 0, 5, u"fm-inherit-w-semaphore");
    show_h(v->opened_semaphore = H(OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, TRUE,
                                                  u"fm-inherit-w-semaphore")));
    show_flags("named-mutex", s->w_named_mutex);
    end();
    set_sync_args(ARG_VARIANTS, &s->variants);
}

/* What the children did to the handles of child_variants; closes them. */
static void parent_variants_after(struct sync_handles *s)
{
    LONG a = -1, w = -1;

    begin("58 parent variants after");
    wait_for("event", s->variants.event, 0);
    wait_for("mutex", s->variants.mutex, 0);
    show_b(B(ReleaseMutex(s->variants.mutex)));
    wait_for("named-mutex", s->w_named_mutex, 0);
    show_b(B(ReleaseMutex(s->w_named_mutex)));
    ReleaseSemaphore(s->variants.semaphore, 1, &a);
    ReleaseSemaphore(s->w_named_semaphore, 1, &w);
    num("semaphore", (unsigned long)a);
    num("opened-semaphore", (unsigned long)w);
    end();
    close_sync_set(&s->variants);
    CloseHandle(s->w_named_mutex);
    CloseHandle(s->w_named_semaphore);
}

static void parent_sync(struct sync_handles *s)
{
    SECURITY_ATTRIBUTES inherit = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};

    begin("58 parent sync");
    s->sync.event = H(CreateEventA(&inherit, TRUE, FALSE, NULL));
    show_created(s->sync.event);
    s->sync.mutex = H(CreateMutexW(&inherit, FALSE, NULL));
    show_created(s->sync.mutex);
    s->sync.semaphore = H(CreateSemaphoreW(&inherit, 1, 10, NULL));
    show_created(s->sync.semaphore);
    s->named_event = CreateEventA(NULL, TRUE, TRUE, "fm-inherit-event");
    s->sync.opened_event = H(OpenEventA(SYNCHRONIZE, TRUE, "fm-inherit-event"));
    show_h(s->sync.opened_event);
    s->named_mutex = CreateMutexA(NULL, FALSE, "fm-inherit-mutex");
    s->sync.opened_mutex = H(OpenMutexA(SYNCHRONIZE, TRUE, "fm-inherit-mutex"));
    show_h(s->sync.opened_mutex);
    s->named_semaphore = CreateSemaphoreA(NULL, 0, 5, "fm-inherit-semaphore");
    s->sync.opened_semaphore = H(OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, TRUE,
                                                "fm-inherit-semaphore"));
    show_h(s->sync.opened_semaphore);
    s->private_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    s->duplicated = NULL;
    show_b(B(DuplicateHandle(GetCurrentProcess(), s->private_event, GetCurrentProcess(),
                             &s->duplicated, EVENT_MODIFY_STATE, TRUE, 0)));
    s->later_mutex = CreateMutexA(NULL, FALSE, NULL);
    show_b(B(SetHandleInformation(s->later_mutex, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)));
    end();

    begin("sync-handle-information");
    show_flags("event", s->sync.event);
    show_flags("mutex", s->sync.mutex);
    show_flags("semaphore", s->sync.semaphore);
    show_flags("named", s->named_event);
    show_flags("opened", s->sync.opened_event);
    show_flags("private", s->private_event);
    show_flags("duplicated", s->duplicated);
    show_flags("later", s->later_mutex);
    end();

    set_sync_args(ARG_SYNC, &s->sync);
    set_arg(ARG_DUPLICATED_EVENT, s->duplicated);
    set_arg(ARG_PRIVATE_EVENT, s->private_event);
    set_arg(ARG_LATER_MUTEX, s->later_mutex);
    parent_variants(s);
}

/* What the two children did to the parent's objects. */
static void parent_sync_after(struct sync_handles *s)
{
    LONG previous = -1;

    begin("58 parent sync after");
    wait_for("event", s->sync.event, 0);
    wait_for("mutex", s->sync.mutex, 0);
    show_b(B(ReleaseMutex(s->sync.mutex)));
    show_b(B(ReleaseSemaphore(s->sync.semaphore, 1, &previous)));
    num("semaphore", (unsigned long)previous);
    previous = -1;
    ReleaseSemaphore(s->named_semaphore, 1, &previous);
    num("opened-semaphore", (unsigned long)previous);
    wait_for("private-event", s->private_event, 0);
    wait_for("later-mutex", s->later_mutex, 0);
    show_b(B(ReleaseMutex(s->later_mutex)));
    end();

    close_sync_set(&s->sync);
    CloseHandle(s->named_event);
    CloseHandle(s->named_mutex);
    CloseHandle(s->named_semaphore);
    CloseHandle(s->private_event);
    CloseHandle(s->duplicated);
    CloseHandle(s->later_mutex);
    parent_variants_after(s);
}

static int parent(void)
{
    SECURITY_ATTRIBUTES inherit = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};
    struct sync_handles sync;
    HANDLE inherited, private_map, later, file, copy;
    DWORD flags = 0, written = 0;
    char *v, *w;
    int first, second;

    begin("58 parent");
    inherited = H(CreateFileMappingA(INVALID_HANDLE_VALUE, &inherit, PAGE_READWRITE, 0, 4096, NULL));
    show_created(inherited);
    private_map = H(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL));
    show_created(private_map);
    later = H(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL));
    show_created(later);
    file = H(CreateFileA("inherit.txt", GENERIC_READ | GENERIC_WRITE, 0, &inherit, CREATE_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, NULL));
    printf(" %s", file == INVALID_HANDLE_VALUE ? "file-failed" : "file");
    end();

    begin("handle-information");
    show_b(B(GetHandleInformation(inherited, &flags)));
    num("inherited", flags);
    GetHandleInformation(private_map, &flags);
    num("private", flags);
    GetHandleInformation(file, &flags);
    num("file", flags);
    show_b(B(SetHandleInformation(later, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)));
    GetHandleInformation(later, &flags);
    num("later", flags);
    show_b(B(GetHandleInformation((HANDLE)(uintptr_t)0x7ff0, &flags)));
    show_b(B(SetHandleInformation((HANDLE)(uintptr_t)0x7ff0, HANDLE_FLAG_INHERIT, 0)));
    end();

    begin("protect-from-close");
    copy = NULL;
    DuplicateHandle(GetCurrentProcess(), private_map, GetCurrentProcess(), &copy, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    show_b(B(SetHandleInformation(copy, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE)));
    GetHandleInformation(copy, &flags);
    num("flags", flags);
    show_b(B(CloseHandle(copy)));
    show_p(P(MapViewOfFile(copy, FILE_MAP_READ, 0, 0, 0)));
    if (pres) UnmapViewOfFile(pres);
    SetHandleInformation(copy, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    show_b(B(CloseHandle(copy)));
    end();

    begin("duplicate-inheritable");
    copy = NULL;
    show_b(B(DuplicateHandle(GetCurrentProcess(), private_map, GetCurrentProcess(), &copy, 0,
                             TRUE, DUPLICATE_SAME_ACCESS)));
    GetHandleInformation(copy, &flags);
    num("flags", flags);
    CloseHandle(copy);
    end();

    v = MapViewOfFile(inherited, FILE_MAP_WRITE, 0, 0, 0);
    strcpy(v + TEXT_AT, "from the parent");
    w = MapViewOfFile(later, FILE_MAP_WRITE, 0, 0, 0);
    strcpy(w, "made inheritable later");
    WriteFile(file, "firstsecond", 11, &written, NULL);
    SetFilePointer(file, 0, NULL, FILE_BEGIN);

    set_arg(ARG_INHERITED, inherited);
    set_arg(ARG_PRIVATE, private_map);
    set_arg(ARG_LATER, later);
    set_arg(ARG_FILE, file);
    parent_sync(&sync);
    first = run_child(0);
    second = run_child(1);

    begin("58 parent after");
    num("first", (unsigned long)first);
    num("second", (unsigned long)second);
    num("child-writes", (unsigned long)(unsigned char)v[TEXT_AT + 64]);
    num("position", SetFilePointer(file, 0, NULL, FILE_CURRENT));
    end();
    parent_sync_after(&sync);

    UnmapViewOfFile(v);
    UnmapViewOfFile(w);
    CloseHandle(inherited);
    CloseHandle(private_map);
    CloseHandle(later);
    CloseHandle(file);
    DeleteFileA("inherit.txt");
    return first || second;
}

int main(int argc, char **argv)
{
    under_wine = detect_wine();
    if (argc == NARGS + 2 && strcmp(argv[1], "child") == 0) return child(argv);
    return parent();
}
