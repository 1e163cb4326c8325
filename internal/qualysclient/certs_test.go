package qualysclient

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"testing"
)

// writeCertPEM writes the TLS test server's certificate as a PEM file.
func writeCertPEM(t *testing.T, srv *httptest.Server, path string) {
	t.Helper()
	cert := srv.Certificate()
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
