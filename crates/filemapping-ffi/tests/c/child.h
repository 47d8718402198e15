/*
 * Starting this program again with the argument "child", for the C tests that need a second
 * process: CreateProcess on Windows (`inherit` is its bInheritHandles), fork and exec of
 * /proc/self/exe on Linux. wait_child returns the child's exit code.
 */
#ifndef FM_TEST_CHILD_H
#define FM_TEST_CHILD_H

#include "common.h"

#ifdef _WIN32
typedef PROCESS_INFORMATION child_process;
static inline int spawn_child(child_process *pi, BOOL inherit)
{
    char self[MAX_PATH], cmd[MAX_PATH + 16];
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetModuleFileNameA(NULL, self, sizeof self);
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    return CreateProcessA(NULL, cmd, NULL, NULL, inherit, 0, NULL, NULL, &si, pi) ? 0 : -1;
}
static inline int wait_child(child_process *pi)
{
    DWORD code = 99;
    WaitForSingleObject(pi->hProcess, INFINITE);
    GetExitCodeProcess(pi->hProcess, &code);
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
    return (int)code;
}
#else
#include <sys/wait.h>
#include <unistd.h>
typedef pid_t child_process;
static inline int spawn_child(child_process *pid, BOOL inherit)
{
    (void)inherit; /* Linux descriptors are inherited by their own flags. */
    *pid = fork();
    if (*pid == 0) {
        execl("/proc/self/exe", "child-of-test", "child", (char *)NULL);
        _exit(98);
    }
    return *pid < 0 ? -1 : 0;
}
static inline int wait_child(child_process *pid)
{
    int status = 0;
    if (waitpid(*pid, &status, 0) != *pid) return 97;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 96;
}
#endif

#endif
