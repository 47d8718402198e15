/*
 * Two processes talk through a named mapping and named events (spec rows 55-57): the parent
 * creates them and starts a copy of itself with the argument "child"; the child opens them,
 * says it is ready, blocks in WaitForSingleObject until the parent signals, then reads what the
 * parent wrote. The child prints its lines while the parent waits for it to exit; the parent
 * prints its own afterwards, so the output is deterministic.
 */
#include "child.h"


#define MAP_NAME "fm-events-map"
#define READY_NAME "fm-events-ready"
#define GO_NAME "fm-events-go"

static int child(void)
{
    HANDLE map, ready, go;
    unsigned char *v, *cow, *shared;
    DWORD waited;

    begin("55 child");
    map = H(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, MAP_NAME));
    show_created(map);
    v = MapViewOfFile(map, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, 0);
    printf(" dword %lx", (unsigned long)*(DWORD *)v);
    end();
    begin("child events");
    ready = H(OpenEventA(EVENT_MODIFY_STATE, FALSE, READY_NAME));
    show_h(ready);
    go = H(OpenEventA(SYNCHRONIZE, FALSE, GO_NAME));
    show_h(go);
    num("before", WaitForSingleObject(go, 0));
    SetEvent(ready);
    waited = WaitForSingleObject(go, INFINITE);
    num("waited", waited);
    printf(" text \"%s\"", (const char *)v + 64);
    end();
    /* Row 56: a copy-on-write view's writes stay private; row 57: FMC+FMW is shared. */
    cow = MapViewOfFile(map, FILE_MAP_COPY, 0, 0, 0);
    *(DWORD *)(cow + 128) = 0xdeadbeef;
    shared = MapViewOfFile(map, FILE_MAP_COPY | FILE_MAP_WRITE, 0, 0, 0);
    *(DWORD *)(shared + 132) = 0xdeadbeef;
    return waited == WAIT_OBJECT_0 ? 0 : 1;
}

static int parent(void)
{
    HANDLE map, ready, go;
    unsigned char *v;
    child_process proc;
    DWORD ready_wait;
    int code;

    begin("parent create");
    map = H(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, MAP_NAME));
    show_created(map);
    ready = H(CreateEventA(NULL, FALSE, FALSE, READY_NAME));
    show_created(ready);
    go = H(CreateEventA(NULL, TRUE, FALSE, GO_NAME));
    show_created(go);
    end();
    v = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    *(DWORD *)v = 0x1a2b3c4d;
    if (spawn_child(&proc, TRUE) != 0) {
        printf("cannot start the child\n");
        return 1;
    }
    /* Nothing is printed until the child has exited: its lines come first. */
    ready_wait = WaitForSingleObject(ready, 60000);
    strcpy((char *)v + 64, "hello from the parent");
    SetEvent(go);
    code = wait_child(&proc);
    begin("parent after");
    num("child-exit", (unsigned long)code);
    num("ready-wait", ready_wait);
    printf(" row56 %lx row57 %lx", (unsigned long)*(DWORD *)(v + 128),
           (unsigned long)*(DWORD *)(v + 132));
    end();
    return code;
}

int main(int argc, char **argv)
{
    under_wine = detect_wine();
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
    return parent();
}
