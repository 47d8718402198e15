/*
 * Handle inheritance (spec §7, row 58): a parent makes mapping and file handles inheritable
 * (SECURITY_ATTRIBUTES.bInheritHandle, SetHandleInformation) or not, and starts this program
 * again with the argument "child" and the handle values. The child uses the same values: the
 * inheritable ones work, the others are ERROR_INVALID_HANDLE. On Windows the child comes from
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

static char handles_arg[4][32];

#ifdef _WIN32
static int run_child(int second)
{
    char self[MAX_PATH], cmd[MAX_PATH + 160];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 99;
    (void)second;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetModuleFileNameA(NULL, self, sizeof self);
    snprintf(cmd, sizeof cmd, "\"%s\" child %s %s %s %s", self, handles_arg[0], handles_arg[1],
             handles_arg[2], handles_arg[3]);
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
    char *args[] = {"inherit", "child", handles_arg[0], handles_arg[1], handles_arg[2],
                    handles_arg[3], NULL};
    int status = 0;
    pid_t pid;
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

static int child(char **argv)
{
    HANDLE inherited = parse_handle(argv[2]), private_map = parse_handle(argv[3]);
    HANDLE later = parse_handle(argv[4]), file = parse_handle(argv[5]);
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
    return 0;
}

static int parent(void)
{
    SECURITY_ATTRIBUTES inherit = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};
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

    snprintf(handles_arg[0], sizeof handles_arg[0], "%llx", (unsigned long long)(uintptr_t)inherited);
    snprintf(handles_arg[1], sizeof handles_arg[1], "%llx", (unsigned long long)(uintptr_t)private_map);
    snprintf(handles_arg[2], sizeof handles_arg[2], "%llx", (unsigned long long)(uintptr_t)later);
    snprintf(handles_arg[3], sizeof handles_arg[3], "%llx", (unsigned long long)(uintptr_t)file);
    first = run_child(0);
    second = run_child(1);

    begin("58 parent after");
    num("first", (unsigned long)first);
    num("second", (unsigned long)second);
    num("child-writes", (unsigned long)(unsigned char)v[TEXT_AT + 64]);
    num("position", SetFilePointer(file, 0, NULL, FILE_CURRENT));
    end();

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
    if (argc > 5 && strcmp(argv[1], "child") == 0) return child(argv);
    return parent();
}
