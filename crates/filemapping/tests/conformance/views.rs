//! Spec §12.5 Views and Virtual* functions: committing pages of views, and writes reaching the
//! file.

use super::*;

// Rows 90–91, spec §12.5 (§6.1, §6.3): the views of a SEC_RESERVE section start reserved;
// committing pages through one view commits them in the section, for those pages only, and
// another view sees them.
#[test]
fn rows_90_91_committing_reserved_pages_through_a_view() {
    let sb = Sandbox::new("row90");
    let map = created(sb.with_attributes(S::RESERVE));
    let v1 = view(&map, A::WRITE, 0, V::ReadWrite);
    let v2 = view(&map, A::WRITE, 0, V::ReadWrite);
    assert_eq!(ok(v1.committed_run(0)), (false, 0x10_0000));
    ok(v1.commit(0, 0x10000));
    assert_eq!(ok(v1.committed_run(0x1234)), (true, 0xf000));
    assert_eq!(ok(v2.committed_run(0)), (true, 0x1_0000));
    assert_eq!(ok(v2.committed_run(0x1_0000)), (false, 0xf_0000));
    assert_code(v2.committed_run(0x10_0000), ERROR_INVALID_PARAMETER);
    ok(v1.write_at(0, MARK));
    assert_eq!(read(&v2, 0, MARK.len()), MARK);
    assert_code(v1.commit(0, 0), ERROR_INVALID_PARAMETER);
    let past_the_view = v1.commit(0x10_0000 - 4096, 8192);
    assert_code(past_the_view, ERROR_INVALID_PARAMETER);
}

// Spec §6.1: the pages of a SEC_RESERVE section's view are reserved until committed, and an
// access to them faults. `read_at` and `write_at` report it as ERROR_ACCESS_DENIED instead,
// whichever view committed the pages around them, and work once the pages are committed.
#[test]
fn copies_of_reserved_pages_are_access_denied_not_a_crash() {
    let sb = Sandbox::new("reserved");
    let map = created(sb.with_attributes(S::RESERVE));
    let v1 = view(&map, A::WRITE, 0, V::ReadWrite);
    let v2 = view(&map, A::WRITE, 0, V::ReadWrite);
    let mut buf = [0u8; 16];
    assert_code(v1.read_at(0, &mut buf), ERROR_ACCESS_DENIED);
    assert_code(v1.write_at(0, MARK), ERROR_ACCESS_DENIED);
    ok(v2.commit(0, 4096));
    ok(v1.write_at(0, MARK));
    assert_eq!(read(&v2, 0, MARK.len()), MARK);
    // A copy that runs from committed into reserved pages is refused as a whole.
    assert_code(v1.read_at(4096 - 8, &mut buf), ERROR_ACCESS_DENIED);
    assert_code(v2.write_at(4096 - 8, &buf), ERROR_ACCESS_DENIED);
}

// Spec §6.3: on a SEC_COMMIT view, a commit with the view's own protection succeeds, and the
// view stays committed.
#[test]
fn committing_a_commit_section_view_succeeds() {
    let sb = Sandbox::new("commit");
    let map = sb.section(65536, Protection::ReadWrite);
    let v = view(&map, A::WRITE, 0, V::ReadWrite);
    ok(v.commit(4096, 4096));
    assert_eq!(ok(v.committed_run(0x1000)), (true, 0xf000));
}

// Row 94, spec §12.5 (§6.3): views of a file cannot be committed.
#[test]
fn row_94_file_views_cannot_be_committed() {
    let sb = Sandbox::new("row94");
    let file = sb.file("f", 8192, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadWrite, 0));
    let v = view(&map, A::WRITE, 0, V::ReadWrite);
    assert_code(v.commit(0, 4096), ERROR_ACCESS_DENIED);
}

// Rows 11 and 105, spec §12.5 (§2.2, §8): a writable section grows the file, and what a
// FILE_MAP_ALL_ACCESS view writes reaches the file.
#[test]
fn rows_11_105_a_writable_section_grows_the_file_and_writes_reach_it() {
    const TEXT: &[u8] = b"this is a test string";
    let sb = Sandbox::new("row105");
    let file = sb.file("f", 4096, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadWrite, 0x10_0000));
    assert_eq!(file_len(&file), 0x10_0000);
    let v = view(&map, A::ALL_ACCESS, 0, V::ReadWrite);
    ok(v.write_at(0, TEXT));
    ok(v.flush());
    drop((v, map, file));
    assert_eq!(&fs::read(sb.path("f")).unwrap()[..TEXT.len()], TEXT);
}
