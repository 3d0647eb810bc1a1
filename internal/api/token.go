package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// tokenCodec makes and checks pagination tokens. A token is the keyset
// position (the last name of the previous page), the operation and a hash
// of the filters, signed with HMAC-SHA256 so it cannot be forged, moved to
// another operation or reused with other filters.
type tokenCodec struct {
	key []byte
}

type tokenBody struct {
	Op     string `json:"o"`
	After  string `json:"a"`
	Filter string `json:"f,omitempty"`
}

func (c tokenCodec) encode(op, after, filter string) string {
	body, _ := json.Marshal(tokenBody{Op: op, After: after, Filter: filter})
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(c.mac(body))
}

func (c tokenCodec) decode(op, token, filter string) (string, error) {
	bad := glue.Errorf(glue.InvalidInput, "NextToken is not a valid pagination token for %s", op)
	b64body, b64mac, ok := strings.Cut(token, ".")
	if !ok {
		return "", bad
	}
	body, err1 := base64.RawURLEncoding.DecodeString(b64body)
	mac, err2 := base64.RawURLEncoding.DecodeString(b64mac)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, c.mac(body)) {
		return "", bad
	}
	var tb tokenBody
	if err := json.Unmarshal(body, &tb); err != nil || tb.Op != op {
		return "", bad
	}
	if tb.Filter != filter {
		return "", glue.Errorf(glue.InvalidInput, "NextToken was issued for different filters; repeat the first request's filters when you pass NextToken")
	}
	return tb.After, nil
}

func (c tokenCodec) mac(body []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	h.Write(body)
	return h.Sum(nil)
}

// pager turns a request's NextToken and MaxResults into list options and a
// page of results into a NextToken.
type pager struct {
	op     string
	filter string
	after  string
	limit  int
}

// newPager reads the paging members of a request. def is the page size when
// MaxResults is absent; filters are the request members that select items,
// which a follow-up request must repeat.
func (s *Server) newPager(op string, token *string, maxResults *int32, def int, filters any) (pager, error) {
	p := pager{op: op, limit: def}
	if b, _ := json.Marshal(filters); filters != nil && !emptyJSON(b) {
		sum := sha256.Sum256(b)
		p.filter = base64.RawURLEncoding.EncodeToString(sum[:12])
	}
	if maxResults != nil {
		p.limit = int(*maxResults)
	}
	if token != nil && *token != "" {
		after, err := s.tokens.decode(op, *token, p.filter)
		if err != nil {
			return p, err
		}
		p.after = after
	}
	return p, nil
}

// listPage fetches the page p selects with opts and returns it with the
// token for the next page.
func listPage[T any](ctx context.Context, s *Server, p pager, opts glue.ListOptions,
	fetch func(context.Context, glue.ListOptions) ([]T, error), name func(T) string) ([]T, *string, error) {
	items, err := fetch(ctx, p.options(opts))
	if err != nil {
		return nil, nil, err
	}
	items, next := page(s, p, items, name)
	return items, next, nil
}

// itself names a name: the key of a page of names.
func itself(name string) string { return name }

// page trims items fetched with limit+1 to the page and returns the token
// for the next page, or nil on the last page.
func page[T any](s *Server, p pager, items []T, name func(T) string) ([]T, *string) {
	if len(items) <= p.limit {
		return items, nil
	}
	items = items[:p.limit]
	tok := s.tokens.encode(p.op, name(items[len(items)-1]), p.filter)
	return items, &tok
}

// options returns opts with this page's position and a limit one above the
// page size, so that page can tell whether another page follows.
func (p pager) options(opts glue.ListOptions) glue.ListOptions {
	opts.After, opts.Limit = p.after, p.limit+1
	return opts
}

// emptyJSON reports whether a marshalled filter selects nothing: null, {},
// [] or an object whose members are all empty, so that a filter given as
// empty and one left out share their tokens.
func emptyJSON(b []byte) bool {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return false
	}
	return isEmptyValue(v)
}

func isEmptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		for _, m := range t {
			if !isEmptyValue(m) {
				return false
			}
		}
		return true
	}
	return false
}
