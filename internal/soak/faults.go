package soak

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"

	"github.com/qsync/qsync/internal/qualysemu/faults"
)

// fault is the one fault of a faulted pass: an emulator fault (Emu), an HTML 502 that a proxy in
// front of the emulator answers instead of the Nth write (HTML), or an interrupt after the Nth
// step (Interrupt, as Ctrl-C would).
type fault struct {
	Name      string
	Emu       *faults.Fault
	HTML      int
	Interrupt int
}

// faultNames are the faults chooseFault picks from.
var faultNames = []string{"status-500", "status-503", "error-body", "drop-before", "drop-after", "html-502", "interrupt", "rate-limit"}

// chooseFault picks the fault of a pass: with probability rate one of faultNames; nil otherwise.
// place then aims it at one of the plan's calls.
func chooseFault(r *rand.Rand, rate float64) *fault {
	if r.Float64() >= rate {
		return nil
	}
	return &fault{Name: pick(r, faultNames)}
}

// place aims f at a random write of a plan of calls API calls and steps steps (an interrupt
// after a random step but the last, so that something is cut).
func (f *fault) place(r *rand.Rand, calls, steps int) {
	nth := 1 + r.IntN(max(1, calls))
	switch f.Name {
	case "status-500":
		f.Emu = &faults.Fault{Match: "write", Nth: nth, Kind: faults.Status, Status: 500}
	case "status-503":
		f.Emu = &faults.Fault{Match: "write", Nth: nth, Kind: faults.Status, Status: 503}
	case "error-body":
		f.Emu = &faults.Fault{Match: "write", Nth: nth, Kind: faults.ErrorBody, Code: 999, Text: "soak: refused"}
	case "drop-before":
		f.Emu = &faults.Fault{Match: "write", Nth: nth, Kind: faults.DropBefore}
	case "drop-after":
		f.Emu = &faults.Fault{Match: "write", Nth: nth, Kind: faults.DropAfter}
	case "rate-limit":
		f.Emu = &faults.Fault{Match: "write", Nth: nth, Kind: faults.RateLimit, Count: 2}
	case "html-502":
		f.HTML = nth
	case "interrupt":
		f.Interrupt = 1 + r.IntN(max(1, steps-1))
	}
}

// proxy is the handler in front of the emulator: it answers the Nth write after arm with a
// proxy's HTML 502 page, without passing it on (the write has no effect).
type proxy struct {
	next http.Handler

	mu     sync.Mutex
	nth    int // 0: off
	writes int
	hit    bool
}

func (p *proxy) arm(nth int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nth, p.writes, p.hit = nth, 0, false
}

// disarm switches the proxy off and reports whether it answered a write since arm.
func (p *proxy) disarm() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	hit := p.hit
	p.nth, p.hit = 0, false
	return hit
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.isWrite(r) && p.take() {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n")
		return
	}
	p.next.ServeHTTP(w, r)
}

func (p *proxy) take() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nth == 0 || p.hit {
		return false
	}
	p.writes++
	if p.writes == p.nth {
		p.hit = true
		return true
	}
	return false
}

// isWrite reports whether r is a create, update or delete (action in the query or the form body;
// the body is put back for the emulator).
func (p *proxy) isWrite(r *http.Request) bool {
	p.mu.Lock()
	armed := p.nth != 0
	p.mu.Unlock()
	if !armed {
		return false
	}
	action := r.URL.Query().Get("action")
	if action == "" && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err == nil {
			if form, err := url.ParseQuery(string(body)); err == nil {
				action = form.Get("action")
			}
		}
	}
	switch action {
	case "create", "update", "delete":
		return true
	}
	return false
}
