package logsapi

import "strings"

// pattern is a CloudWatch Logs filter pattern of terms: every plain term
// (a word, or a "quoted phrase") must occur in the message, no -term may,
// and when there are ?terms at least one must. Matching is case-sensitive,
// as CloudWatch's is.
type pattern struct {
	all, none, any []string
}

// parsePattern parses a term pattern. JSON ({...}), space-delimited
// ([...]) and regular-expression (%...%) patterns are refused.
func parsePattern(s string) (*pattern, error) {
	s = strings.TrimSpace(s)
	if s != "" && strings.ContainsAny(s[:1], "{[%") {
		return nil, errorf(InvalidParameter, "filterPattern %q: Epoxy supports term patterns (words, \"quoted phrases\", -excluded and ?optional terms), not JSON, space-delimited or regular-expression patterns", s)
	}
	p := &pattern{}
	toks, err := splitTerms(s)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		switch {
		case len(t) > 1 && t[0] == '-':
			p.none = append(p.none, unquote(t[1:]))
		case len(t) > 1 && t[0] == '?':
			p.any = append(p.any, unquote(t[1:]))
		default:
			p.all = append(p.all, unquote(t))
		}
	}
	return p, nil
}

// splitTerms splits on spaces outside double quotes.
func splitTerms(s string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				toks = append(toks, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if quoted {
		return nil, errorf(InvalidParameter, "filterPattern %q has an unterminated quote", s)
	}
	if cur.Len() > 0 {
		toks = append(toks, cur.String())
	}
	return toks, nil
}

func unquote(t string) string {
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		return t[1 : len(t)-1]
	}
	return t
}

// match reports whether msg matches the pattern.
func (p *pattern) match(msg string) bool {
	for _, t := range p.all {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.none {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}
