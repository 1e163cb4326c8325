package qualysemu

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/record"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// State is the emulator's whole estate: what Snapshot returns, what the
// state file holds, and what GET /_emulator/state shows (with secrets
// masked there).
type State struct {
	NextRecordID int64    `json:"next_record_id"`
	NextVaultID  int64    `json:"next_vault_id"`
	Records      []Record `json:"records"`
	Vaults       []Vault  `json:"vaults"`
}

// Record is one auth record. Params holds every stored parameter under its
// Qualys name, secrets included: "title", "comments", "ips" (canonical
// merged form, e.g. "10.0.0.1,10.0.1.0-10.0.1.255"), "login_type",
// "vault_id", "vault_type", booleans as "0"/"1", and the type's own fields.
type Record struct {
	ID             int64             `json:"id"`
	Type           string            `json:"type"` // endpoint slug: mysql, unix, windows
	Params         map[string]string `json:"params"`
	Created        time.Time         `json:"created"`
	CreatedBy      string            `json:"created_by"`
	LastModified   time.Time         `json:"last_modified"`
	LastModifiedBy string            `json:"last_modified_by"`
	// Entries are the structured lists sent in an XML body (unix private keys and root tools),
	// by listed element (PRIVATE_KEY_CERTIFICATE_LIST); see record/entries.go.
	Entries map[string][]record.Entry `json:"entries,omitempty"`
}

// Title returns the record's title.
func (r Record) Title() string { return r.Params["title"] }

// Vault is one authentication vault. Type is the Qualys display string
// ("CA PAM"); Params holds "title", "comments" and the type's settings,
// secrets included.
type Vault struct {
	ID             int64             `json:"id"`
	Type           string            `json:"type"`
	Params         map[string]string `json:"params"`
	Created        time.Time         `json:"created"`
	CreatedBy      string            `json:"created_by"`
	LastModified   time.Time         `json:"last_modified"`
	LastModifiedBy string            `json:"last_modified_by"`
}

// Title returns the vault's title.
func (v Vault) Title() string { return v.Params["title"] }

func (r *Record) clone() *Record {
	c := *r
	c.Params = maps.Clone(r.Params)
	c.Entries = record.CloneEntries(r.Entries)
	return &c
}

func (v *Vault) clone() *Vault {
	c := *v
	c.Params = maps.Clone(v.Params)
	return &c
}

// store is the mutable estate, guarded by Server.mu.
type store struct {
	records      map[int64]*Record
	vaults       map[int64]*Vault
	nextRecordID int64
	nextVaultID  int64
	// titles indexes record titles: titleKey(type, title) -> record ID.
	titles map[string]int64
	// byID is every record sorted by ID, kept until a record is stored or dropped (nil: not
	// sorted yet): a plan lists every page of a large estate, and sorting all records for each
	// page cost more than answering it.
	byID []*Record
}

func newStore(firstRecord, firstVault int64) *store {
	return &store{records: map[int64]*Record{}, vaults: map[int64]*Vault{},
		nextRecordID: firstRecord, nextVaultID: firstVault, titles: map[string]int64{}}
}

func titleKey(typ, title string) string { return typ + "\x00" + title }

// putRecord stores r and indexes its title.
func (st *store) putRecord(r *Record) {
	st.records[r.ID] = r
	st.titles[titleKey(r.Type, r.Params["title"])] = r.ID
	st.byID = nil
}

// dropRecord removes r and its title.
func (st *store) dropRecord(r *Record) {
	delete(st.records, r.ID)
	st.byID = nil
	if k := titleKey(r.Type, r.Params["title"]); st.titles[k] == r.ID {
		delete(st.titles, k)
	}
}

func (st *store) clone() *store {
	c := &store{records: make(map[int64]*Record, len(st.records)), vaults: make(map[int64]*Vault, len(st.vaults)),
		nextRecordID: st.nextRecordID, nextVaultID: st.nextVaultID, titles: maps.Clone(st.titles)}
	for id, r := range st.records {
		c.records[id] = r.clone()
	}
	for id, v := range st.vaults {
		c.vaults[id] = v.clone()
	}
	return c
}

// sortedRecords returns the records sorted by ID, sorting them only after a record was stored or
// dropped. The slice is shared until then: callers read it and must not change it (appending to it
// copies it).
func (st *store) sortedRecords() []*Record {
	if st.byID == nil {
		st.byID = slices.Clip(slices.SortedFunc(maps.Values(st.records), func(a, b *Record) int { return cmp.Compare(a.ID, b.ID) }))
	}
	return st.byID
}

func sortByID(rs []*Record) {
	slices.SortFunc(rs, func(a, b *Record) int { return cmp.Compare(a.ID, b.ID) })
}

func (st *store) sortedVaults() []*Vault {
	return slices.SortedFunc(maps.Values(st.vaults), func(a, b *Vault) int { return cmp.Compare(a.ID, b.ID) })
}

func (st *store) state() State {
	s := State{NextRecordID: st.nextRecordID, NextVaultID: st.nextVaultID,
		Records: []Record{}, Vaults: []Vault{}}
	for _, r := range st.sortedRecords() {
		s.Records = append(s.Records, *r.clone())
	}
	for _, v := range st.sortedVaults() {
		s.Vaults = append(s.Vaults, *v.clone())
	}
	return s
}

func storeFromState(s State, firstRecord, firstVault int64) (*store, error) {
	st := newStore(firstRecord, firstVault)
	for i := range s.Records {
		r := s.Records[i]
		if r.ID <= 0 || kinds.RecordTypeByName(r.Type) == nil {
			return nil, fmt.Errorf("record %d: bad id or type %q", r.ID, r.Type)
		}
		if _, dup := st.records[r.ID]; dup {
			return nil, fmt.Errorf("record %d: duplicate id", r.ID)
		}
		if r.Params == nil {
			r.Params = map[string]string{}
		}
		st.putRecord(r.clone())
		st.nextRecordID = max(st.nextRecordID, r.ID+1)
	}
	for i := range s.Vaults {
		v := s.Vaults[i]
		if v.ID <= 0 || kinds.VaultTypeByName(v.Type) == nil {
			return nil, fmt.Errorf("vault %d: bad id or type %q", v.ID, v.Type)
		}
		if _, dup := st.vaults[v.ID]; dup {
			return nil, fmt.Errorf("vault %d: duplicate id", v.ID)
		}
		if v.Params == nil {
			v.Params = map[string]string{}
		}
		st.vaults[v.ID] = v.clone()
		st.nextVaultID = max(st.nextVaultID, v.ID+1)
	}
	st.nextRecordID = max(st.nextRecordID, s.NextRecordID)
	st.nextVaultID = max(st.nextVaultID, s.NextVaultID)
	return st, nil
}

// loadStateFile reads path; a missing file is not an error (ok == false).
func loadStateFile(path string) (s State, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, fmt.Errorf("read state file: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, false, fmt.Errorf("state file %s: %w", path, err)
	}
	return s, true, nil
}

// saveStateFile writes s atomically (temporary file and rename), readable by
// the owner only since it holds secrets.
func saveStateFile(path string, s State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file: %w", errors.Join(werr, cerr))
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file: %w", err)
	}
	return nil
}

// maskState replaces every secret parameter value with "********".
func maskState(s State) State {
	for i := range s.Records {
		for k := range s.Records[i].Params {
			if kinds.IsSecretParam(k) {
				s.Records[i].Params[k] = wire.Mask
			}
		}
		s.Records[i].Entries = record.MaskEntries(s.Records[i].Entries)
	}
	for i := range s.Vaults {
		vt := kinds.VaultTypeByName(s.Vaults[i].Type)
		for k := range s.Vaults[i].Params {
			if vt.IsSecret(k) {
				s.Vaults[i].Params[k] = wire.Mask
			}
		}
	}
	return s
}
