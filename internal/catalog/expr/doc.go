// Package expr is Glue's partition predicate language, the Expression of
// GetPartitions: comparisons (=, <>, !=, <, <=, >, >=), BETWEEN, IN and LIKE
// on partition keys, combined with AND, OR, NOT and parentheses.
//
// Parse checks an expression against a table's partition keys and their
// types (string, char, varchar, int, integer, bigint, long, smallint,
// tinyint, decimal, date, timestamp) and returns its tree. Match evaluates
// the tree on one partition's values; SQL translates it to a condition over
// a backend's per-key rows so that a store can answer it from an index.
// Both give the same answers: numeric keys compare as numbers, every other
// key compares as text, date and timestamp literals are checked and
// written in their canonical form first.
package expr
