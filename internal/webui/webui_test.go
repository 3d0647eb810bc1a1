package webui_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/logship"
	"github.com/epoxy-run/epoxy/internal/webui"
	"github.com/epoxy-run/epoxy/web"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func newUI(t *testing.T, now time.Time) http.Handler {
	t.Helper()
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h, err := webui.New(webui.Config{API: api, Assets: web.Assets(), Logs: &logship.Reader{DataDir: t.TempDir()}, Clock: fixedClock(now)})
	require.NoError(t, err)
	return h
}

func TestSchedule_NextFires(t *testing.T) {
	h := newUI(t, time.Date(2026, 3, 1, 10, 7, 0, 0, time.UTC))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ui/api/schedule?n=2&expression=cron(0/15+*+*+*+%3F+*)", nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out struct{ Next []float64 }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	want := []float64{float64(time.Date(2026, 3, 1, 10, 15, 0, 0, time.UTC).Unix()), float64(time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC).Unix())}
	require.Equal(t, want, out.Next)

	for _, q := range []string{"expression=rate(5+minutes)", "expression=cron(0+*+*+*+%3F+*)&n=0", "expression=cron(0+*+*+*+%3F+*)&n=x"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ui/api/schedule?"+q, nil))
		require.Equal(t, http.StatusBadRequest, rec.Code, q)
		require.Contains(t, rec.Body.String(), "InvalidInputException", q)
	}
}

func TestRouting_OtherRequestsReachTheAPI(t *testing.T) {
	h := newUI(t, time.Now())
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/", nil),
		httptest.NewRequest(http.MethodGet, "/", nil), // no Accept: text/html
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodGet, "/uix", nil),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		require.Equal(t, http.StatusTeapot, rec.Code, r.URL.Path)
	}
}

// Every module and stylesheet the UI loads is among the embedded assets:
// there is no build step, so the sources are what the browser runs.
func TestAssets_EveryImportIsEmbedded(t *testing.T) {
	assets := web.Assets()
	ref := regexp.MustCompile(`(?:from|import)\s+'\./([^']+)'|(?:src|href)="([a-z]+\.(?:js|css))"`)
	n := 0
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, name)
		require.NoError(t, err)
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			target := m[1] + m[2]
			_, err := fs.Stat(assets, target)
			require.NoError(t, err, "%s refers to %s", name, target)
			n++
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, n, 10)
}

func TestNew_RequiresIndex(t *testing.T) {
	_, err := webui.New(webui.Config{API: http.NotFoundHandler(), Assets: fstest.MapFS{"app.js": {Data: []byte("")}}, Clock: fixedClock(time.Now())})
	require.ErrorContains(t, err, "index.html")
}
