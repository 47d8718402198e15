/*
 * filemapping.h: the Win32 file-mapping calls for C and C++ programs on Linux.
 *
 * Windows code that shares memory through CreateFileMapping, OpenFileMapping and MapViewOfFile
 * builds against this header instead of <windows.h> and links with -lfilemapping_ffi:
 *
 *     #ifdef _WIN32
 *     #include <windows.h>
 *     #else
 *     #include "filemapping.h"
 *     #endif
 *
 *     cc -I crates/filemapping-ffi/include app.c -L target/release -lfilemapping_ffi \
 *        -Wl,-rpath,$PWD/target/release -o app
 *
 * This is not a whole <windows.h>: it declares only the types, constants and functions below,
 * with their Win32 names, values and signatures (64-bit Windows layout). Behaviour follows
 * Windows as described in the project's spec/win32-semantics.md. WCHAR is 16 bits, as on
 * Windows: write wide names as u"..." literals (C11 / C++11).
 *
 * Handles are opaque values checked on every call: a closed or bogus handle fails with
 * ERROR_INVALID_HANDLE, never a crash. GetLastError is per thread.
 */
#ifndef FILEMAPPING_H
#define FILEMAPPING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memcpy, memmove, memset: CopyMemory and the rest below */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Types ------------------------------------------------------------------------------ */

typedef void *HANDLE;
typedef int BOOL;
typedef uint32_t DWORD;
typedef uint16_t WORD;
typedef uint8_t BYTE;
typedef int32_t LONG;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uintptr_t ULONG_PTR;
typedef ULONG_PTR SIZE_T;
typedef ULONG_PTR DWORD_PTR;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef const char *LPCSTR;
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef const WCHAR *LPCWSTR;
typedef DWORD *LPDWORD;

/* Overlapped I/O is not supported: pass NULL where Win32 takes an LPOVERLAPPED. */
struct _OVERLAPPED;

typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor; /* ignored: objects get their default security */
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES;

typedef struct _SYSTEM_INFO {
    union {
        DWORD dwOemId;
        struct {
            WORD wProcessorArchitecture;
            WORD wReserved;
        };
    };
    DWORD dwPageSize;
    LPVOID lpMinimumApplicationAddress;
    LPVOID lpMaximumApplicationAddress;
    DWORD_PTR dwActiveProcessorMask;
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;
    DWORD dwAllocationGranularity;
    WORD wProcessorLevel;
    WORD wProcessorRevision;
} SYSTEM_INFO;

typedef struct _MEMORY_BASIC_INFORMATION {
    LPVOID BaseAddress;
    LPVOID AllocationBase;
    DWORD AllocationProtect;
    WORD PartitionId;
    SIZE_T RegionSize;
    DWORD State;
    DWORD Protect;
    DWORD Type;
} MEMORY_BASIC_INFORMATION;

#define TRUE 1
#define FALSE 0
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)

/* ---- Page protections (flProtect, VirtualQuery) ----------------------------------------- */

#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE 0x10
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD 0x100
#define PAGE_NOCACHE 0x200
#define PAGE_WRITECOMBINE 0x400

/* ---- Section attributes (OR-ed into flProtect) ------------------------------------------ */

#define SEC_FILE 0x00800000
#define SEC_IMAGE 0x01000000
#define SEC_RESERVE 0x04000000
#define SEC_COMMIT 0x08000000
#define SEC_NOCACHE 0x10000000
#define SEC_WRITECOMBINE 0x40000000
#define SEC_LARGE_PAGES 0x80000000
#define SEC_IMAGE_NO_EXECUTE 0x11000000

/* ---- Section access (OpenFileMapping, MapViewOfFile, DuplicateHandle) ------------------- */

#define SECTION_QUERY 0x0001
#define SECTION_MAP_WRITE 0x0002
#define SECTION_MAP_READ 0x0004
#define SECTION_MAP_EXECUTE 0x0008
#define FILE_MAP_COPY 0x0001
#define FILE_MAP_WRITE 0x0002
#define FILE_MAP_READ 0x0004
#define SECTION_EXTEND_SIZE 0x0010
#define SECTION_ALL_ACCESS 0x000F001F
#define FILE_MAP_EXECUTE 0x0020
#define FILE_MAP_ALL_ACCESS 0x000F001F
#define FILE_MAP_LARGE_PAGES 0x20000000
#define FILE_MAP_TARGETS_INVALID 0x40000000
#define FILE_MAP_RESERVE 0x80000000

/* ---- Memory (VirtualQuery, VirtualAlloc, VirtualFree) ----------------------------------- */

#define MEM_COMMIT 0x00001000
#define MEM_RESERVE 0x00002000
#define MEM_DECOMMIT 0x00004000
#define MEM_RELEASE 0x00008000
#define MEM_FREE 0x00010000
#define MEM_PRIVATE 0x00020000
#define MEM_MAPPED 0x00040000
#define MEM_RESET 0x00080000
#define MEM_IMAGE 0x01000000

/* ---- Error codes (GetLastError) --------------------------------------------------------- */

#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_TOO_MANY_OPEN_FILES 4
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_BAD_LENGTH 24
#define ERROR_GEN_FAILURE 31
#define ERROR_NOT_SUPPORTED 50
#define ERROR_FILE_EXISTS 80
#define ERROR_INVALID_PARAMETER 87
#define ERROR_DISK_FULL 112
#define ERROR_INVALID_NAME 123
#define ERROR_NEGATIVE_SEEK 131
#define ERROR_BAD_PATHNAME 161
#define ERROR_ALREADY_EXISTS 183
#define ERROR_BAD_EXE_FORMAT 193
#define ERROR_FILENAME_EXCED_RANGE 206
#define ERROR_INVALID_ADDRESS 487
#define ERROR_SWAPERROR 999
#define ERROR_FILE_INVALID 1006
#define ERROR_MAPPED_ALIGNMENT 1132
#define ERROR_USER_MAPPED_FILE 1224
#define ERROR_PRIVILEGE_NOT_HELD 1314
#define ERROR_COMMITMENT_LIMIT 1455

/* ---- Files (CreateFile, SetFilePointerEx) ----------------------------------------------- */

#define GENERIC_READ 0x80000000
#define GENERIC_WRITE 0x40000000
#define GENERIC_EXECUTE 0x20000000
#define GENERIC_ALL 0x10000000
#define FILE_SHARE_READ 0x00000001
#define FILE_SHARE_WRITE 0x00000002
#define FILE_SHARE_DELETE 0x00000004
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define FILE_BEGIN 0
#define FILE_CURRENT 1
#define FILE_END 2

/* ---- Handles, events and waits ---------------------------------------------------------- */

#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS 0x00000002
#define READ_CONTROL 0x00020000
#define STANDARD_RIGHTS_READ 0x00020000
#define STANDARD_RIGHTS_WRITE 0x00020000
#define STANDARD_RIGHTS_EXECUTE 0x00020000
#define STANDARD_RIGHTS_REQUIRED 0x000F0000
#define SYNCHRONIZE 0x00100000
#define EVENT_QUERY_STATE 0x0001
#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS 0x001F0003
#define INFINITE 0xFFFFFFFF
#define WAIT_OBJECT_0 0x00000000
#define WAIT_ABANDONED 0x00000080
#define WAIT_ABANDONED_0 0x00000080
#define MAXIMUM_WAIT_OBJECTS 64
#define WAIT_TIMEOUT 0x00000102
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* ---- File mappings ---------------------------------------------------------------------- */

HANDLE CreateFileMappingA(HANDLE hFile, SECURITY_ATTRIBUTES *lpFileMappingAttributes,
                          DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                          LPCSTR lpName);
HANDLE CreateFileMappingW(HANDLE hFile, SECURITY_ATTRIBUTES *lpFileMappingAttributes,
                          DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                          LPCWSTR lpName);
HANDLE OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
LPVOID MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
                     DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap);
LPVOID MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
                       DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
BOOL UnmapViewOfFile(LPCVOID lpBaseAddress);
BOOL FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);

/* ---- Views and memory ------------------------------------------------------------------- */

SIZE_T VirtualQuery(LPCVOID lpAddress, MEMORY_BASIC_INFORMATION *lpBuffer, SIZE_T dwLength);
LPVOID VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType, DWORD flProtect);
BOOL VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
BOOL VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect, DWORD *lpflOldProtect);

/* VirtualProtect without a place for the old protection (kept with the Virtual* calls). */
#define ERROR_NOACCESS 998

/* ---- Placeholders and ring buffers (VirtualAlloc2, MapViewOfFile3) ----------------------- */

/*
 * One section mapped twice, back to back (a ring buffer), the Windows 10 way: reserve a
 * placeholder of twice the size (VirtualAlloc2 with MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
 * PAGE_NOACCESS), split it in two (VirtualFree with MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
 * map the section into each half (MapViewOfFile3 with MEM_REPLACE_PLACEHOLDER). Sizes and
 * addresses of placeholders are multiples of 64 KiB. The process handle is NULL or
 * GetCurrentProcess(); extended parameters are accepted and ignored.
 */
#define MEM_COALESCE_PLACEHOLDERS 0x00000001
#define MEM_PRESERVE_PLACEHOLDER 0x00000002
#define MEM_UNMAP_WITH_TRANSIENT_BOOST 0x00000001
#define MEM_REPLACE_PLACEHOLDER 0x00004000
#define MEM_RESERVE_PLACEHOLDER 0x00040000
#define MEM_LARGE_PAGES 0x20000000
#define MEM_EXTENDED_PARAMETER_TYPE_BITS 8

typedef struct MEM_EXTENDED_PARAMETER {
    struct {
        uint64_t Type : MEM_EXTENDED_PARAMETER_TYPE_BITS;
        uint64_t Reserved : 64 - MEM_EXTENDED_PARAMETER_TYPE_BITS;
    };
    union {
        uint64_t ULong64;
        void *Pointer;
        SIZE_T Size;
        HANDLE Handle;
        DWORD ULong;
    };
} MEM_EXTENDED_PARAMETER, *PMEM_EXTENDED_PARAMETER;

LPVOID VirtualAlloc2(HANDLE Process, LPVOID BaseAddress, SIZE_T Size, uint32_t AllocationType,
                     uint32_t PageProtection, MEM_EXTENDED_PARAMETER *ExtendedParameters,
                     uint32_t ParameterCount);
LPVOID MapViewOfFile3(HANDLE FileMapping, HANDLE Process, LPVOID BaseAddress, uint64_t Offset,
                      SIZE_T ViewSize, uint32_t AllocationType, uint32_t PageProtection,
                      MEM_EXTENDED_PARAMETER *ExtendedParameters, uint32_t ParameterCount);
BOOL UnmapViewOfFile2(HANDLE Process, LPVOID BaseAddress, uint32_t UnmapFlags);
BOOL UnmapViewOfFileEx(LPVOID BaseAddress, uint32_t UnmapFlags);

/* ---- Handles and the system ------------------------------------------------------------- */

BOOL CloseHandle(HANDLE hObject);
BOOL DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                     HANDLE hTargetProcessHandle, HANDLE *lpTargetHandle, DWORD dwDesiredAccess,
                     BOOL bInheritHandle, DWORD dwOptions);
HANDLE GetCurrentProcess(void);
DWORD GetLastError(void);
void SetLastError(DWORD dwErrCode);
void GetSystemInfo(SYSTEM_INFO *lpSystemInfo);
SIZE_T GetLargePageMinimum(void);

/* ---- Files ------------------------------------------------------------------------------ */

HANDLE CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                   SECURITY_ATTRIBUTES *lpSecurityAttributes, DWORD dwCreationDisposition,
                   DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
HANDLE CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                   SECURITY_ATTRIBUTES *lpSecurityAttributes, DWORD dwCreationDisposition,
                   DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
BOOL ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
              LPDWORD lpNumberOfBytesRead, struct _OVERLAPPED *lpOverlapped);
BOOL WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
               LPDWORD lpNumberOfBytesWritten, struct _OVERLAPPED *lpOverlapped);
BOOL GetFileSizeEx(HANDLE hFile, LARGE_INTEGER *lpFileSize);
BOOL SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
                      LARGE_INTEGER *lpNewFilePointer, DWORD dwMoveMethod);
BOOL SetEndOfFile(HANDLE hFile);
BOOL DeleteFileA(LPCSTR lpFileName);
BOOL DeleteFileW(LPCWSTR lpFileName);
BOOL FlushFileBuffers(HANDLE hFile);

/* ---- Named events ----------------------------------------------------------------------- */

HANDLE CreateEventA(SECURITY_ATTRIBUTES *lpEventAttributes, BOOL bManualReset,
                    BOOL bInitialState, LPCSTR lpName);
HANDLE CreateEventW(SECURITY_ATTRIBUTES *lpEventAttributes, BOOL bManualReset,
                    BOOL bInitialState, LPCWSTR lpName);
HANDLE OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
BOOL SetEvent(HANDLE hEvent);
BOOL ResetEvent(HANDLE hEvent);
DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
BOOL PulseEvent(HANDLE hEvent);
DWORD WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                             DWORD dwMilliseconds);
DWORD SignalObjectAndWait(HANDLE hObjectToSignal, HANDLE hObjectToWaitOn, DWORD dwMilliseconds,
                          BOOL bAlertable);

/* ---- More base types (as <windows.h> declares them for 64-bit Windows) ------------------- */

/*
 * The common typedefs of <windows.h> that the sections above do not need, with Windows' sizes:
 * LONG and ULONG are 32 bits (Windows is LLP64: long is 32 bits there, 64 here, so Windows code
 * that says LONG or ULONG keeps its sizes, and code that says long does not); the _PTR types
 * are pointer-sized.
 */
typedef void *PVOID;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef int16_t SHORT;
typedef uint16_t USHORT;
typedef int INT;
typedef unsigned int UINT;
typedef uint32_t ULONG;
typedef BYTE BOOLEAN;
typedef int32_t LONG32;
typedef uint32_t ULONG32;
typedef uint32_t DWORD32;
typedef int64_t LONG64;
typedef uint64_t ULONG64;
typedef uint64_t DWORD64;
typedef int64_t INT64;
typedef uint64_t UINT64;
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef LONG_PTR SSIZE_T;
typedef BYTE *PBYTE;
typedef BYTE *LPBYTE;
typedef WORD *PWORD;
typedef WORD *LPWORD;
typedef DWORD *PDWORD;
typedef LONG *PLONG;
typedef LONG *LPLONG;
typedef ULONG *PULONG;
typedef UINT *PUINT;
typedef INT *PINT;
typedef INT *LPINT;
typedef BOOL *PBOOL;
typedef BOOL *LPBOOL;
typedef SIZE_T *PSIZE_T;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef HANDLE *PHANDLE;
typedef HANDLE *LPHANDLE;
typedef const void *PCVOID;
typedef CHAR *PCHAR;
typedef CHAR *LPCH;
typedef CHAR *PSTR;
typedef CHAR *LPSTR;
typedef const CHAR *PCSTR;
typedef WCHAR *PWCHAR;
typedef WCHAR *LPWCH;
typedef WCHAR *PWSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *PCWSTR;
typedef SECURITY_ATTRIBUTES *PSECURITY_ATTRIBUTES;
typedef SECURITY_ATTRIBUTES *LPSECURITY_ATTRIBUTES;
typedef SYSTEM_INFO *LPSYSTEM_INFO;
typedef MEMORY_BASIC_INFORMATION *PMEMORY_BASIC_INFORMATION;
typedef LARGE_INTEGER *PLARGE_INTEGER;

/* ---- Generic text (UNICODE) ------------------------------------------------------------- */

/*
 * As in <windows.h>: with UNICODE defined, TCHAR is WCHAR (16 bits, UTF-16) and TEXT("...")
 * is a UTF-16 literal; without it, TCHAR is char and TEXT("...") a plain (UTF-8) literal.
 * Windows spells the wide literal L"..."; here it is u"..." (C11 and C++11), because Linux's
 * wchar_t is 32 bits while WCHAR, like Windows' wchar_t, is 16. So TEXT() is the portable
 * spelling, and L"..." strings do not fit the W functions on Linux.
 *
 * The C library's generic-text names (_tmain, _tprintf, _tcslen, _T(), ...) are in tchar.h,
 * beside this header. Define UNICODE and _UNICODE together, as on Windows.
 */
#ifdef UNICODE
typedef WCHAR TCHAR;
typedef WCHAR TBYTE;
#define __TEXT(quote) u##quote
#else
typedef char TCHAR;
typedef unsigned char TBYTE;
#define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)
typedef TCHAR *PTCHAR;
typedef TBYTE *PTBYTE;
typedef TCHAR *LPTCH;
typedef TCHAR *PTCH;
typedef TCHAR *PTSTR;
typedef TCHAR *LPTSTR;
typedef const TCHAR *PCTSTR;
typedef const TCHAR *LPCTSTR;

/* ---- Undecorated names (UNICODE picks the W or the A function) -------------------------- */

/* Every A/W pair above, as <windows.h> maps it. */
#ifdef UNICODE
#define CreateFileMapping CreateFileMappingW
#define OpenFileMapping OpenFileMappingW
#define CreateFile CreateFileW
#define DeleteFile DeleteFileW
#define CreateEvent CreateEventW
#define OpenEvent OpenEventW
#else
#define CreateFileMapping CreateFileMappingA
#define OpenFileMapping OpenFileMappingA
#define CreateFile CreateFileA
#define DeleteFile DeleteFileA
#define CreateEvent CreateEventA
#define OpenEvent OpenEventA
#endif

/* ---- Memory macros ---------------------------------------------------------------------- */

/* The C library's memcpy, memmove and memset, with Windows' argument orders. */
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define CopyMemory RtlCopyMemory
#define MoveMemory RtlMoveMemory
#define FillMemory RtlFillMemory
#define ZeroMemory RtlZeroMemory

/* ---- Mutexes and semaphores ------------------------------------------------------------- */

#define MUTEX_MODIFY_STATE 0x0001
#define MUTEX_ALL_ACCESS 0x001F0001
#define CREATE_MUTEX_INITIAL_OWNER 0x00000001
#define SEMAPHORE_QUERY_STATE 0x0001
#define SEMAPHORE_MODIFY_STATE 0x0002
#define SEMAPHORE_ALL_ACCESS 0x001F0003
#define ERROR_NOT_OWNER 288
#define ERROR_TOO_MANY_POSTS 298

HANDLE CreateMutexA(SECURITY_ATTRIBUTES *lpMutexAttributes, BOOL bInitialOwner, LPCSTR lpName);
HANDLE CreateMutexW(SECURITY_ATTRIBUTES *lpMutexAttributes, BOOL bInitialOwner, LPCWSTR lpName);
HANDLE CreateMutexExA(SECURITY_ATTRIBUTES *lpMutexAttributes, LPCSTR lpName, DWORD dwFlags,
                      DWORD dwDesiredAccess);
HANDLE CreateMutexExW(SECURITY_ATTRIBUTES *lpMutexAttributes, LPCWSTR lpName, DWORD dwFlags,
                      DWORD dwDesiredAccess);
HANDLE OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
BOOL ReleaseMutex(HANDLE hMutex);
HANDLE CreateSemaphoreA(SECURITY_ATTRIBUTES *lpSemaphoreAttributes, LONG lInitialCount,
                        LONG lMaximumCount, LPCSTR lpName);
HANDLE CreateSemaphoreW(SECURITY_ATTRIBUTES *lpSemaphoreAttributes, LONG lInitialCount,
                        LONG lMaximumCount, LPCWSTR lpName);
HANDLE CreateSemaphoreExA(SECURITY_ATTRIBUTES *lpSemaphoreAttributes, LONG lInitialCount,
                          LONG lMaximumCount, LPCSTR lpName, DWORD dwFlags,
                          DWORD dwDesiredAccess);
HANDLE CreateSemaphoreExW(SECURITY_ATTRIBUTES *lpSemaphoreAttributes, LONG lInitialCount,
                          LONG lMaximumCount, LPCWSTR lpName, DWORD dwFlags,
                          DWORD dwDesiredAccess);
HANDLE OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
BOOL ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LONG *lpPreviousCount);

/* The undecorated names, mapped by UNICODE as <windows.h> maps them. */
#ifdef UNICODE
#define CreateMutex CreateMutexW
#define CreateMutexEx CreateMutexExW
#define OpenMutex OpenMutexW
#define CreateSemaphore CreateSemaphoreW
#define CreateSemaphoreEx CreateSemaphoreExW
#define OpenSemaphore OpenSemaphoreW
#else
#define CreateMutex CreateMutexA
#define CreateMutexEx CreateMutexExA
#define OpenMutex OpenMutexA
#define CreateSemaphore CreateSemaphoreA
#define CreateSemaphoreEx CreateSemaphoreExA
#define OpenSemaphore OpenSemaphoreA
#endif

/* ---- Inheritance, files, paths, text, time and NUMA variants (issue 12) ------------------- */

/*
 * Handle inheritance: a handle created or opened with bInheritHandle (SECURITY_ATTRIBUTES), or
 * given HANDLE_FLAG_INHERIT, is adopted by a child started with fork+exec or posix_spawn and the
 * parent's environment, with the same value, at the child's first call that uses a handle
 * (mappings and files; the README's "Porting C code" says how).
 */
#define HANDLE_FLAG_INHERIT 0x00000001
#define HANDLE_FLAG_PROTECT_FROM_CLOSE 0x00000002
BOOL GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
BOOL SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);

#define MAX_PATH 260
#define ERROR_SHARING_VIOLATION 32
#define ERROR_UNEXP_NET_ERR 59
#define ERROR_BUFFER_OVERFLOW 111
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_FLAGS 1004
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define INVALID_FILE_SIZE ((DWORD)0xFFFFFFFF)
#define INVALID_SET_FILE_POINTER ((DWORD)-1)
#define INVALID_FILE_ATTRIBUTES ((DWORD)-1)
#define FILE_TYPE_UNKNOWN 0x0000
#define FILE_TYPE_DISK 0x0001
#define FILE_TYPE_CHAR 0x0002
#define FILE_TYPE_PIPE 0x0003
#define FILE_ATTRIBUTE_READONLY 0x00000001
#define FILE_ATTRIBUTE_HIDDEN 0x00000002
#define FILE_ATTRIBUTE_SYSTEM 0x00000004
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010
#define FILE_ATTRIBUTE_ARCHIVE 0x00000020
#define FILE_ATTRIBUTE_TEMPORARY 0x00000100

DWORD GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
DWORD SetFilePointer(HANDLE hFile, LONG lDistanceToMove, LONG *lpDistanceToMoveHigh,
                     DWORD dwMoveMethod);
DWORD GetFileType(HANDLE hFile);
BOOL SetFileAttributesA(LPCSTR lpFileName, DWORD dwFileAttributes);
BOOL SetFileAttributesW(LPCWSTR lpFileName, DWORD dwFileAttributes);
DWORD GetTempPathA(DWORD nBufferLength, LPSTR lpBuffer);
DWORD GetTempPathW(DWORD nBufferLength, LPWSTR lpBuffer);
UINT GetTempFileNameA(LPCSTR lpPathName, LPCSTR lpPrefixString, UINT uUnique,
                      LPSTR lpTempFileName);
UINT GetTempFileNameW(LPCWSTR lpPathName, LPCWSTR lpPrefixString, UINT uUnique,
                      LPWSTR lpTempFileName);
/* On Linux: the backing file's absolute path (Windows gives a \Device\... path). */
DWORD GetMappedFileNameA(HANDLE hProcess, LPVOID lpv, LPSTR lpFilename, DWORD nSize);
DWORD GetMappedFileNameW(HANDLE hProcess, LPVOID lpv, LPWSTR lpFilename, DWORD nSize);

/* NUMA variants: the preferred node is a hint, taken as "any node". */
#define NUMA_NO_PREFERRED_NODE ((DWORD)-1)
HANDLE CreateFileMappingNumaA(HANDLE hFile, SECURITY_ATTRIBUTES *lpFileMappingAttributes,
                              DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                              LPCSTR lpName, DWORD nndPreferred);
HANDLE CreateFileMappingNumaW(HANDLE hFile, SECURITY_ATTRIBUTES *lpFileMappingAttributes,
                              DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                              LPCWSTR lpName, DWORD nndPreferred);
LPVOID MapViewOfFileExNuma(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                           DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                           SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress, DWORD nndPreferred);
HANDLE CreateFileMapping2(HANDLE File, SECURITY_ATTRIBUTES *SecurityAttributes,
                          uint32_t DesiredAccess, uint32_t PageProtection,
                          uint32_t AllocationAttributes, uint64_t MaximumSize, LPCWSTR Name,
                          MEM_EXTENDED_PARAMETER *ExtendedParameters, uint32_t ParameterCount);

BOOL VirtualLock(LPVOID lpAddress, SIZE_T dwSize);
BOOL VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize);
BOOL IsBadReadPtr(LPCVOID lp, UINT_PTR ucb);
BOOL IsBadWritePtr(LPVOID lp, UINT_PTR ucb);

DWORD GetCurrentProcessId(void);
void Sleep(DWORD dwMilliseconds);
DWORD GetTickCount(void);
ULONGLONG GetTickCount64(void);
BOOL QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
BOOL QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

/* Code pages: CP_ACP is UTF-8 here (Windows' "Use Unicode UTF-8" setting). */
#define CP_ACP 0
#define CP_UTF8 65001
#define MB_ERR_INVALID_CHARS 0x00000008
#define WC_ERR_INVALID_CHARS 0x00000080
int MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr, int cbMultiByte,
                        LPWSTR lpWideCharStr, int cchWideChar);
int WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWSTR lpWideCharStr, int cchWideChar,
                        LPSTR lpMultiByteStr, int cbMultiByte, LPCSTR lpDefaultChar,
                        LPBOOL lpUsedDefaultChar);

#ifdef UNICODE
#define SetFileAttributes SetFileAttributesW
#define GetTempPath GetTempPathW
#define GetTempFileName GetTempFileNameW
#define GetMappedFileName GetMappedFileNameW
#define CreateFileMappingNuma CreateFileMappingNumaW
#else
#define SetFileAttributes SetFileAttributesA
#define GetTempPath GetTempPathA
#define GetTempFileName GetTempFileNameA
#define GetMappedFileName GetMappedFileNameA
#define CreateFileMappingNuma CreateFileMappingNumaA
#endif

#ifdef __cplusplus
}
#endif

#endif /* FILEMAPPING_H */
