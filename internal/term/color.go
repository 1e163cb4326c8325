package term

import "io"

// Color reports whether output to w may use colour, by one rule for every command: the
// --no-color flag (noColor) and NO_COLOR (no-color.org) turn it off; else FORCE_COLOR or
// CLICOLOR_FORCE (set and not "0" or "false") turn it on, also when w is a pipe such as a CI
// log; else TERM=dumb turns it off; else w must be a terminal.
func Color(getenv func(string) string, noColor bool, w io.Writer) bool {
	switch {
	case noColor || getenv("NO_COLOR") != "":
		return false
	case forced(getenv("FORCE_COLOR")) || forced(getenv("CLICOLOR_FORCE")):
		return true
	case getenv("TERM") == "dumb":
		return false
	}
	return IsTerminal(w)
}

func forced(v string) bool { return v != "" && v != "0" && v != "false" }
