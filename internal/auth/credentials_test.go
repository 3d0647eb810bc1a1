package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseCredentials(t *testing.T) {
	keys, err := parseCredentials(strings.NewReader("; comment\n[a]\naws_access_key_id = K1\naws_secret_access_key=S1\nregion=x\n\n[b]\n# c\nAWS_ACCESS_KEY_ID=K2\naws_secret_access_key = S2 \n"))
	require.NoError(t, err)
	require.Equal(t, Keys{"K1": {Name: "a", AccessKey: "K1", Secret: "S1"}, "K2": {Name: "b", AccessKey: "K2", Secret: "S2"}}, keys)
	for in, msg := range map[string]string{
		"":                           "no credentials",
		"aws_access_key_id=K":        "line 1",
		"[a]\naws_access_key_id=K\n": "needs aws_access_key_id and aws_secret_access_key",
		"[a]\naws_access_key_id=K\naws_secret_access_key=S\n[b]\naws_access_key_id=K\naws_secret_access_key=T\n": "same aws_access_key_id",
	} {
		_, err := parseCredentials(strings.NewReader(in))
		require.ErrorContains(t, err, msg, in)
	}
}

func TestServiceKeyIsStableAndSecretDependent(t *testing.T) {
	a, b := ServiceKey([]byte("secret one")), ServiceKey([]byte("secret two"))
	require.Equal(t, a, ServiceKey([]byte("secret one")))
	require.NotEqual(t, a.AccessKey, b.AccessKey)
	require.NotEqual(t, a.Secret, b.Secret)
	require.Equal(t, ServiceKeyName, a.Name)
}
