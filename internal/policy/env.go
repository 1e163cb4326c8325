package policy

import (
	"fmt"
	"math"
	"math/big"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"

	"github.com/qsync/qsync/internal/spec"
)

// costLimit bounds the work of one evaluation (CEL's cost units), so that a rule cannot hang a
// plan whatever the configuration holds.
const costLimit = 1_000_000

// The variables of object-level and plan-level rules (docs/policy.md lists them).
var (
	objectVars = []cel.EnvOption{
		cel.Variable("object", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("live", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("action", cel.StringType),
		cel.Variable("kind", cel.StringType),
		cel.Variable("owner", cel.StringType),
		cel.Variable("vaults", cel.ListType(cel.StringType)),
	}
	planVars = []cel.EnvOption{
		cel.Variable("counts", cel.MapType(cel.StringType, cel.MapType(cel.StringType, cel.IntType))),
		cel.Variable("totals", cel.MapType(cel.StringType, cel.IntType)),
		cel.Variable("owner", cel.StringType),
	}
)

// newEnv returns the CEL environment of rules of level ("object" or "plan").
func newEnv(level string) (*cel.Env, error) {
	opts := []cel.EnvOption{ext.Strings(), ipCountFunction()}
	if level == "plan" {
		opts = append(opts, planVars...)
	} else {
		opts = append(opts, objectVars...)
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("policy: CEL environment: %w", err)
	}
	return env, nil
}

// ipCountFunction declares ipCount(entry) and ipCount(list): the number of addresses an IP entry
// (an address, a range a-b or a CIDR prefix, as qsync reads them) or the union of a list of
// entries covers, at most the largest int.
func ipCountFunction() cel.EnvOption {
	count := func(entries ...string) ref.Val {
		set, err := spec.ParseIPSet(entries...)
		if err != nil {
			return types.NewErr("ipCount: %v", err)
		}
		total := new(big.Int)
		for _, r := range set.Ranges() {
			from, to := new(big.Int).SetBytes(r.From().AsSlice()), new(big.Int).SetBytes(r.To().AsSlice())
			total.Add(total, to.Sub(to, from).Add(to, big.NewInt(1)))
		}
		if !total.IsInt64() {
			return types.Int(math.MaxInt64)
		}
		return types.Int(total.Int64())
	}
	return cel.Function("ipCount",
		cel.Overload("ipCount_string", []*cel.Type{cel.StringType}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, ok := v.Value().(string)
				if !ok {
					return types.NewErr("ipCount: want a string, got %s", v.Type())
				}
				return count(s)
			})),
		cel.Overload("ipCount_list", []*cel.Type{cel.ListType(cel.DynType)}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				items, err := v.ConvertToNative(stringSliceType)
				if err != nil {
					return types.NewErr("ipCount: want a list of strings: %v", err)
				}
				return count(items.([]string)...)
			})),
	)
}

var stringSliceType = reflect.TypeOf([]string(nil))
