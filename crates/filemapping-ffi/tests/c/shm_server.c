/*
 * The first of two processes sharing named memory, in the shape of the Win32 documentation's
 * "Creating Named Shared Memory" sample, written with the generic-text names (TCHAR, TEXT(),
 * _tmain, _tprintf) so that it builds with and without UNICODE. Where the documentation's
 * program waits for a key (_getch), this one reads a line from its standard input: the test
 * driver runs the second process (shm_client.c) meanwhile, then sends the line.
 */
#ifdef _WIN32
#include <windows.h>
#else
#include "filemapping.h"
#endif
#include <stdio.h>
#include <tchar.h>

#define BUF_SIZE 256
TCHAR szName[] = TEXT("Global\\FilemappingSampleObject");
TCHAR szMsg[] = TEXT("A greeting written by the first process.");

int _tmain(void)
{
    HANDLE hMapFile;
    LPCTSTR pBuf;
    int c;

    hMapFile = CreateFileMapping(
        INVALID_HANDLE_VALUE, /* the system's memory, no file */
        NULL,                 /* default security */
        PAGE_READWRITE,       /* read and write access */
        0,                    /* size: high DWORD */
        BUF_SIZE,             /* size: low DWORD */
        szName);              /* the object's name */
    if (hMapFile == NULL) {
        _tprintf(TEXT("Could not create file mapping object (%d).\n"), (int)GetLastError());
        return 1;
    }

    pBuf = (LPTSTR)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
    if (pBuf == NULL) {
        _tprintf(TEXT("Could not map view of file (%d).\n"), (int)GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }

    CopyMemory((PVOID)pBuf, szMsg, (_tcslen(szMsg) * sizeof(TCHAR)));
    _tprintf(TEXT("Process1: wrote %d characters to %s; waiting.\n"), (int)_tcslen(szMsg),
             szName);
    fflush(stdout);

    /* In place of the documentation's _getch(): wait for a line (or the end) of input. */
    do {
        c = getchar();
    } while (c != '\n' && c != EOF);

    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    _tprintf(TEXT("Process1: closed.\n"));
    return 0;
}
