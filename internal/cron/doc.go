// Package cron parses and evaluates the cron dialect used by AWS Glue
// triggers and Amazon EventBridge schedules.
//
// An expression has the form
//
//	cron(Minutes Hours Day-of-month Month Day-of-week Year)
//
// with exactly six whitespace-separated fields. Schedules are always
// evaluated in UTC and fire on whole minutes.
//
//	Field          Values                      Wildcards
//	Minutes        0-59                        , - * /
//	Hours          0-23                        , - * /
//	Day-of-month   1-31                        , - * ? / L W
//	Month          1-12 or JAN-DEC             , - * /
//	Day-of-week    1-7 or SUN-SAT (1=Sunday)   , - * ? / L #
//	Year           1970-2199                   , - * /
//
// Syntax of the ordinary (list) form of a field:
//
//   - "*" selects every value of the field.
//   - "a" selects one value; "a-b" selects an inclusive range.
//   - "a/n", "*/n" and "a-b/n" select every n-th value starting at a (or
//     at the field minimum for "*"), up to b (or the field maximum). The
//     step n must be between 1 and the number of values of the field
//     (60 for Minutes, 24 for Hours, 31, 12, 7 and 230 for the others).
//   - Elements can be combined into a comma-separated list.
//   - Month and day names (JAN-DEC, SUN-SAT) are case-insensitive and may
//     be used anywhere a value is expected, including ranges and the start
//     of a step ("MON-FRI", "JAN/3"). Numbers may have leading zeros.
//
// Exactly one of Day-of-month and Day-of-week must be "?"; "?" is not
// allowed in any other field.
//
// Special day rules, each of which must make up the whole field (they
// cannot appear in lists, ranges or steps):
//
//   - Day-of-month "L": the last day of the month.
//   - Day-of-month "LW": the last weekday (Monday to Friday) of the month.
//   - Day-of-month "nW" (n in 1-31): the weekday nearest to day n within the
//     same month. A Saturday moves to the Friday before, or to the Monday
//     after when that Friday would fall in the previous month ("1W" when the
//     1st is a Saturday fires on the 3rd). A Sunday moves to the Monday
//     after, or to the Friday before when that Monday would fall in the next
//     month. A month that has no day n (for example February for "30W")
//     does not fire at all.
//   - Day-of-week "L": Saturday (7), the last day of the week.
//   - Day-of-week "nL" (for example "6L" or "FRIL"): the last such weekday
//     of the month.
//   - Day-of-week "n#k" (n in 1-7 or SUN-SAT, k in 1-5): the k-th such
//     weekday of the month; months without one do not fire.
//
// Decisions where the AWS documentation is silent:
//
//   - Descending ranges wrap around in the Month and Day-of-week fields:
//     "FRI-MON" means FRI,SAT,SUN,MON and "NOV-FEB" means NOV,DEC,JAN,FEB;
//     with a step the walk continues across the wrap ("FRI-TUE/2" means
//     FRI,SUN,TUE). In every other field a descending range is rejected.
//   - The Quartz offset form "L-n" (n days before the end of the month) is
//     not supported and is rejected with an explicit error.
//   - Field contents are case-insensitive, special letters included ("l",
//     "15w", "fril" are accepted) and [Schedule.String] upper-cases them;
//     the "cron(" wrapper itself must be written in lower case. Whitespace
//     around the expression and between fields is ignored.
//   - Expressions that can never fire (for example "cron(0 0 30 2 ? *)" or a
//     year entirely in the past) parse successfully; [Schedule.Next] then
//     reports that there is no next fire time.
//
// Every parse failure is reported as an [*Error] whose message names the
// offending field, suitable for an InvalidInputException.
package cron
