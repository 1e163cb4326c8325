package qualysemu

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
	"gopkg.in/yaml.v3"
)

// seedFile is the seed format documented in the package comment.
type seedFile struct {
	Vaults  []seedVault  `yaml:"vaults"`
	Records []seedRecord `yaml:"records"`
}

type seedVault struct {
	ID     int64          `yaml:"id"`
	Type   string         `yaml:"type"`
	Title  string         `yaml:"title"`
	Params map[string]any `yaml:"params"`
}

type seedRecord struct {
	ID     int64          `yaml:"id"`
	Type   string         `yaml:"type"`
	Params map[string]any `yaml:"params"`
	Vault  string         `yaml:"vault"`
	// UnixAuthParams is an XML body UNIX_AUTH_PARAMS (unix keys and root tools), as a create sends it.
	UnixAuthParams string `yaml:"unix_auth_params"`
}

// LoadSeedFile loads a seed file (YAML or JSON); see LoadSeed.
func (s *Server) LoadSeedFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer f.Close()
	if err := s.LoadSeed(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// LoadSeed adds the vaults and records of a seed document (YAML or JSON; the
// format is in the package comment) to the current state. Each entry goes
// through the same validation as an API create. It is all or nothing: on
// error the state is unchanged. With Config.StatePath the state is saved.
func (s *Server) LoadSeed(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	var sf seedFile
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&sf); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	s.mu.Lock()
	saved := s.st.clone()
	s.mu.Unlock()
	if err := s.applySeed(sf); err != nil {
		s.mu.Lock()
		s.st = saved
		s.ipCache = map[int64]ipCacheEntry{}
		s.mu.Unlock()
		return err
	}
	if err := s.SaveState(); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

func (s *Server) applySeed(sf seedFile) error {
	for i, v := range sf.Vaults {
		where := fmt.Sprintf("seed: vaults[%d] (%q)", i, v.Title)
		p, err := seedParams(v.Params)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if v.Title != "" {
			p.AddPair("title", v.Title)
		}
		if v.Type != "" {
			p.AddPair("type", v.Type)
		}
		p.AddPair("action", "create")
		c := s.seedCtx(p, "/api/2.0/fo/vault/", v.ID)
		if resp := s.handleVaults(c); resp.status != http.StatusOK {
			return fmt.Errorf("%s: %s", where, resp.errText)
		}
	}
	for i, rec := range sf.Records {
		p, err := seedParams(rec.Params)
		where := fmt.Sprintf("seed: records[%d] (%s %q)", i, rec.Type, p.Get("title"))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		rt := kinds.RecordTypeByName(rec.Type)
		if rt == nil {
			return fmt.Errorf("%s: unknown record type %q (want one of %s)", where, rec.Type, strings.Join(kinds.RecordTypeNames(), ", "))
		}
		if rec.Vault != "" {
			v := s.vaultByTitle(rec.Vault)
			if v == nil {
				return fmt.Errorf("%s: no vault titled %q", where, rec.Vault)
			}
			if !p.Has("login_type") {
				p.AddPair("login_type", kinds.LoginVault)
			}
			p.AddPair("vault_id", strconv.FormatInt(v.ID, 10))
			if !p.Has("vault_type") {
				p.AddPair("vault_type", v.Type)
			}
		}
		p.AddPair("action", "create")
		p.XML = []byte(rec.UnixAuthParams)
		c := s.seedCtx(p, "/api/2.0/fo/auth/"+rt.Name+"/", rec.ID)
		if resp := s.handleRecords(c, rt); resp.status != http.StatusOK {
			return fmt.Errorf("%s: %s", where, resp.errText)
		}
	}
	return nil
}

func (s *Server) vaultByTitle(title string) *Vault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.st.sortedVaults() {
		if v.Params["title"] == title {
			return v
		}
	}
	return nil
}

// seedCtx builds the context of a synthetic POST for one seed entry.
func (s *Server) seedCtx(p *wire.Params, path string, pinID int64) *reqCtx {
	r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: path}, Header: http.Header{}, Host: "qualysemu.seed"}
	c := s.newCtx(r, p)
	c.user = s.cfg.Username
	c.pinID = pinID
	c.seed = true
	return c
}

// seedParams turns seed parameter values into Qualys parameter strings:
// booleans become 1/0, lists are comma-joined. Keys are taken in sorted
// order. On error the parameters read so far are returned with it.
func seedParams(in map[string]any) (*wire.Params, error) {
	p := &wire.Params{Last: map[string]string{}}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := seedValue(in[k])
		if err != nil {
			return p, fmt.Errorf("params.%s: %w", k, err)
		}
		p.AddPair(k, v)
	}
	return p, nil
}

func seedValue(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, item := range x {
			s, err := seedValue(item)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("unsupported value %v (want a string, number, boolean or list)", v)
}
