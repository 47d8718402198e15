/*
 * The second of two processes sharing named memory (see shm_server.c), in the shape of the
 * Win32 documentation's sample: it opens the first process's mapping by name and shows what is
 * there, printing it with _tprintf where the documentation's program shows a message box.
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

int _tmain(void)
{
    HANDLE hMapFile;
    LPCTSTR pBuf;

    hMapFile = OpenFileMapping(
        FILE_MAP_ALL_ACCESS, /* read and write access */
        FALSE,               /* the handle is not inherited */
        szName);             /* the object's name */
    if (hMapFile == NULL) {
        _tprintf(TEXT("Could not open file mapping object (%d).\n"), (int)GetLastError());
        return 1;
    }

    pBuf = (LPTSTR)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
    if (pBuf == NULL) {
        _tprintf(TEXT("Could not map view of file (%d).\n"), (int)GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }

    /* In place of the documentation's MessageBox. */
    _tprintf(TEXT("Process2: %s (%d characters)\n"), pBuf, (int)_tcslen(pBuf));

    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    return 0;
}
