package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// versionLine describes this binary: the version (set with -ldflags
// "-X main.version=..." or, for `go install ...@vX`, the module version),
// the VCS revision it was built from, and the Go version.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "epoxy " + version
	}
	return describeBuild(version, info)
}

// describeBuild formats what a build recorded about itself as
// "epoxy <version> (revision <rev>[, modified], <time>, <go version>)".
func describeBuild(v string, info *debug.BuildInfo) string {
	if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var details []string
	if rev := settings["vcs.revision"]; rev != "" {
		details = append(details, "revision "+rev)
		if settings["vcs.modified"] == "true" {
			details = append(details, "modified")
		}
		if at := settings["vcs.time"]; at != "" {
			details = append(details, at)
		}
	}
	if info.GoVersion != "" {
		details = append(details, info.GoVersion)
	}
	if len(details) == 0 {
		return "epoxy " + v
	}
	return fmt.Sprintf("epoxy %s (%s)", v, strings.Join(details, ", "))
}
