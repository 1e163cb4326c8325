package ci

import (
	"net/http"
	"testing"

	"github.com/qsync/qsync/internal/outbound"
)

// TestClientsUseTheOutboundPolicy: the platform API client and the artifact storage client are
// built by outbound.New, and plain http to a remote host is refused.
func TestClientsUseTheOutboundPolicy(t *testing.T) {
	a, err := newAPI("GitLab", "https://gitlab.example.com/api/v4", "PRIVATE-TOKEN", "tok", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := a.blobClient("https://storage.example.com/bucket/x?sig=1")
	if err != nil {
		t.Fatal(err)
	}
	for _, hc := range []*http.Client{a.HTTP, blob} {
		if !outbound.Enforced(hc) {
			t.Error("a client does not use the outbound policy")
		}
	}
	if _, err := newAPI("GitLab", "http://gitlab.example.com/api/v4", "PRIVATE-TOKEN", "tok", "", nil); err == nil {
		t.Error("plain http to a remote host was accepted")
	}
}
