/*
 * win32_worker.c: one implementation of `filemapping-bench --wine`, as a long-lived process.
 *
 * The same source is built three ways:
 *   - against our <filemapping.h> and libfilemapping_ffi.so (impl "filemapping-ffi");
 *   - with mingw against the real <windows.h>, run under Wine (impl "wine");
 *   - with -DFLOOR: the same cases with raw POSIX syscalls and none of the semantics (impl
 *     "floor"), and with -DFLOOR -DFALLOCATE, which reserves the memory with fallocate as our
 *     library does for SEC_COMMIT instead of ftruncate (impl "floor+fallocate").
 *
 * Protocol, one line each way, on stdin and stdout:
 *   start-up             -> "ready", or "error <code> <call>" (then it exits)
 *   "<case> <n>"         -> the nanoseconds the n operations took, or "error <code> <call>"
 *   "quit" or end of input: the worker removes what it holds and exits.
 * <code> is GetLastError() (Win32 builds) or errno (floor builds). Wine writes "\r\n".
 *
 * Cases; every operation writes the first byte of its view:
 *   create_map_close      create a new named 64 KiB section, map it whole, write, unmap, close
 *   create_map_close_4k   the same with a 4096-byte section
 *   open_map_close        open the 64 KiB section created at start-up, map, write, unmap, close
 *
 * argv[1], if given, starts every name: default "Local\fmbw" (Win32 builds) or "/fmbw"
 * (floor builds); the names are "<prefix>-<pid>-<counter>" and "<prefix>-<pid>-held".
 */
#if !defined(_WIN32)
#define _GNU_SOURCE /* clock_gettime, fallocate */
#endif

#ifdef _WIN32
#include <windows.h>
#elif !defined(FLOOR)
#include "filemapping.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#endif

#define SECTION 65536u
#define SMALL_SECTION 4096u

/* What failed: the call and its error code. */
struct failure {
    unsigned long code;
    const char *call;
};

static const char *prefix;
static unsigned long pid;
static unsigned long counter;
static char held_name[128];

#ifndef _WIN32
static unsigned long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}
#endif

static void next_name(char *name, size_t len)
{
    snprintf(name, len, "%s-%lu-%lu", prefix, pid, counter++);
}

/* ---------------------------------------------------------------------------------------- */
#if defined(FLOOR)

static int held_fd = -1;

static int fail(struct failure *f, const char *call)
{
    f->code = (unsigned long)errno;
    f->call = call;
    return -1;
}

/* Gives a new object its size: ftruncate (sparse), or fallocate (every page reserved). */
static int size_object(int fd, unsigned size, struct failure *f)
{
#ifdef FALLOCATE
    if (fallocate(fd, 0, 0, (off_t)size) != 0)
        return fail(f, "fallocate");
#else
    if (ftruncate(fd, (off_t)size) != 0)
        return fail(f, "ftruncate");
#endif
    return 0;
}

static int create_map_close(unsigned size, struct failure *f)
{
    char name[128];
    int fd;
    char *view;

    next_name(name, sizeof name);
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return fail(f, "shm_open");
    if (size_object(fd, size, f) != 0)
        goto undo;
    view = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (view == MAP_FAILED) {
        fail(f, "mmap");
        goto undo;
    }
    *(volatile char *)view = (char)counter;
    if (munmap(view, size) != 0) {
        fail(f, "munmap");
        goto undo;
    }
    if (close(fd) != 0) {
        fail(f, "close");
        shm_unlink(name);
        return -1;
    }
    if (shm_unlink(name) != 0)
        return fail(f, "shm_unlink");
    return 0;
undo:
    close(fd);
    shm_unlink(name);
    return -1;
}

static int open_map_close(struct failure *f)
{
    struct stat st;
    char *view;
    int fd = shm_open(held_name, O_RDWR, 0);

    if (fd < 0)
        return fail(f, "shm_open");
    if (fstat(fd, &st) != 0) {
        fail(f, "fstat");
        close(fd);
        return -1;
    }
    view = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (view == MAP_FAILED) {
        fail(f, "mmap");
        close(fd);
        return -1;
    }
    *(volatile char *)view = (char)counter;
    if (munmap(view, (size_t)st.st_size) != 0) {
        fail(f, "munmap");
        close(fd);
        return -1;
    }
    if (close(fd) != 0)
        return fail(f, "close");
    return 0;
}

static int setup(struct failure *f)
{
    pid = (unsigned long)getpid();
    snprintf(held_name, sizeof held_name, "%s-%lu-held", prefix, pid);
    held_fd = shm_open(held_name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (held_fd < 0)
        return fail(f, "shm_open");
    if (size_object(held_fd, SECTION, f) != 0) {
        shm_unlink(held_name);
        return -1;
    }
    return 0;
}

static void teardown(void)
{
    close(held_fd);
    shm_unlink(held_name);
}

/* ---------------------------------------------------------------------------------------- */
#else /* the Win32 calls: Windows (Wine) or our C API */

static HANDLE held = NULL;

#ifdef _WIN32
static unsigned long long now_ns(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER count;
    unsigned long long ticks, hz;

    if (frequency.QuadPart == 0)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&count);
    ticks = (unsigned long long)count.QuadPart;
    hz = (unsigned long long)frequency.QuadPart;
    return ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
}
#endif

static int fail(struct failure *f, const char *call)
{
    f->code = (unsigned long)GetLastError();
    f->call = call;
    return -1;
}

/* Maps `map` whole, writes the first byte, unmaps; on failure `map` stays open. */
static int map_write_unmap(HANDLE map, struct failure *f)
{
    char *view = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);

    if (view == NULL)
        return fail(f, "MapViewOfFile");
    *(volatile char *)view = (char)counter;
    if (!UnmapViewOfFile(view))
        return fail(f, "UnmapViewOfFile");
    return 0;
}

/* map_write_unmap, then closes `map` whatever happened. */
static int use_and_close(HANDLE map, struct failure *f)
{
    if (map_write_unmap(map, f) != 0) {
        CloseHandle(map);
        return -1;
    }
    if (!CloseHandle(map))
        return fail(f, "CloseHandle");
    return 0;
}

static int create_map_close(unsigned size, struct failure *f)
{
    char name[128];
    HANDLE map;

    next_name(name, sizeof name);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, size, name);
    if (map == NULL)
        return fail(f, "CreateFileMappingA");
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        fail(f, "CreateFileMappingA");
        CloseHandle(map);
        return -1;
    }
    return use_and_close(map, f);
}

static int open_map_close(struct failure *f)
{
    HANDLE map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, held_name);

    if (map == NULL)
        return fail(f, "OpenFileMappingA");
    return use_and_close(map, f);
}

static int setup(struct failure *f)
{
#ifdef _WIN32
    pid = (unsigned long)GetCurrentProcessId();
#else
    pid = (unsigned long)getpid();
#endif
    snprintf(held_name, sizeof held_name, "%s-%lu-held", prefix, pid);
    held = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SECTION, held_name);
    if (held == NULL)
        return fail(f, "CreateFileMappingA");
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        fail(f, "CreateFileMappingA");
        CloseHandle(held);
        return -1;
    }
    return 0;
}

static void teardown(void)
{
    CloseHandle(held);
}

#endif
/* ---------------------------------------------------------------------------------------- */

static int one(const char *name, struct failure *f)
{
    if (strcmp(name, "create_map_close") == 0)
        return create_map_close(SECTION, f);
    if (strcmp(name, "create_map_close_4k") == 0)
        return create_map_close(SMALL_SECTION, f);
    if (strcmp(name, "open_map_close") == 0)
        return open_map_close(f);
    f->code = 0;
    f->call = "unknown-case";
    return -1;
}

static void answer_error(const struct failure *f)
{
    printf("error %lu %s\n", f->code, f->call);
    fflush(stdout);
}

/* Runs `n` operations of `name` and answers with their nanoseconds, or the first failure. */
static void batch(const char *name, unsigned long n)
{
    struct failure f = {0, "none"};
    unsigned long long start, elapsed;
    unsigned long i;

    start = now_ns();
    for (i = 0; i < n; i++) {
        if (one(name, &f) != 0) {
            answer_error(&f);
            return;
        }
    }
    elapsed = now_ns() - start;
    printf("%llu\n", elapsed);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct failure f = {0, "none"};
    char line[256], name[64];
    unsigned long n;

#ifdef FLOOR
    prefix = argc > 1 ? argv[1] : "/fmbw";
#else
    prefix = argc > 1 ? argv[1] : "Local\\fmbw";
#endif
    if (setup(&f) != 0) {
        answer_error(&f);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "quit", 4) == 0)
            break;
        if (sscanf(line, "%63s %lu", name, &n) != 2) {
            f.code = 0;
            f.call = "bad-request";
            answer_error(&f);
            continue;
        }
        batch(name, n);
    }
    teardown();
    return 0;
}
