package qualysemu_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/qualysemu/faults"
)

// A test starts an emulator, optionally seeds it and queues faults, and
// points the code under test at its URL.
func Example() {
	emu, err := qualysemu.New(qualysemu.Config{Username: "user", Password: "pass", RateLimit: 60})
	if err != nil {
		panic(err)
	}
	seed := `
vaults:
  - {type: CA PAM, title: pam, params: {url: "https://capam.example.com", ssl_verify: 1, apikey_name: q, apikey: k}}
`
	if err := emu.LoadSeed(strings.NewReader(seed)); err != nil {
		panic(err)
	}
	f, _ := faults.Parse("write:2:status=500")
	emu.AddFault(f)

	srv := httptest.NewServer(emu)
	defer srv.Close()
	post := func(form string) int {
		req, _ := http.NewRequest("POST", srv.URL+"/api/2.0/fo/auth/unix/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Requested-With", "example")
		req.SetBasicAuth("user", "pass")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println(post("action=create&title=web&ips=10.0.0.1-10.0.0.9&username=root&password=pw"))
	fmt.Println(post("action=create&title=db&ips=10.0.1.1&username=root&password=pw"))
	for _, r := range emu.Requests() {
		fmt.Println(r.Action, r.Status, r.Write, r.Params.Get("password"))
	}
	fmt.Println(len(emu.Snapshot().Records))
	// Output:
	// 200
	// 500
	// create 200 true ********
	// create 500 false ********
	// 1
}
