/* Interoperability peer: a plain Win32 program that opens a mapping created by the Rust
 * library, reads the text the Rust side wrote at offset 0, and answers at offset 1024.
 * Usage: interop NAME. Prints "read: TEXT" and exits 0, or prints the failing call and the
 * GetLastError value and exits 1. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    HANDLE map;
    char *view;
    if (argc != 2) {
        fprintf(stderr, "usage: interop NAME\n");
        return 2;
    }
    map = OpenFileMappingA(FILE_MAP_READ | FILE_MAP_WRITE, FALSE, argv[1]);
    if (!map) {
        printf("OpenFileMappingA failed: %lu\n", GetLastError());
        return 1;
    }
    view = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    if (!view) {
        printf("MapViewOfFile failed: %lu\n", GetLastError());
        return 1;
    }
    printf("read: %s\n", view);
    strcpy(view + 1024, "hello from C");
    UnmapViewOfFile(view);
    CloseHandle(map);
    return 0;
}
