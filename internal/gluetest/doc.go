// Package gluetest is Epoxy's test kit, for _test.go files only (a test in
// this package enforces that): a fake clock that tests move by hand
// (clock.go), ZIP archives built in the test, hostile ones included
// (zip.go), one way to wait for a condition (wait.go), the bodies of
// the Python job scripts the end-to-end tests share (scripts.go), and glue
// values with every member set for the golden encoding tests (fill.go).
package gluetest
