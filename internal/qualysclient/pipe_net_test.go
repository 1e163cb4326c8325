package qualysclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// pipeListener is an in-memory network for tests inside a synctest bubble, where real sockets
// must not be used: each dial is one net.Pipe, whose server end Accept returns. The HTTP stack on
// both sides is the real one (net/http server and Transport), only the wire is a pipe.
type pipeListener struct {
	conns     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return nil
}

// Addr is a loopback address, so that the client accepts plain http to it.
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

func (l *pipeListener) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// setupInBubble is setup for a test running inside synctest.Test: the httptest server serves on
// a pipeListener and the client dials it, so timeouts, waits and handler sleeps all run on the
// bubble's fake clock and take no real time.
func setupInBubble(t *testing.T, opts ...func(*Config)) *testEnv {
	t.Helper()
	ln := newPipeListener()
	mux := http.NewServeMux()
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	tr := &http.Transport{DialContext: ln.DialContext}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return newTestEnv(t, mux, srv, append([]func(*Config){func(c *Config) { c.HTTPClient = &http.Client{Transport: tr} }}, opts...))
}
