/**
 * Field paths and bad values printed as apimachinery's field.Path.String and field.Error.ErrorBody
 * print them (staging/src/k8s.io/apimachinery/pkg/util/validation/field/path.go, errors.go).
 */
import { formatFieldPath, mapKey } from '../../../src/validate/field-path';
import { goQuote, goStringer, invalid, renderValue } from '../../../src/validate/rules/field-errors';

describe('formatFieldPath (field.Path)', () => {
  const cases: Array<[Parameters<typeof formatFieldPath>[0], string]> = [
    [['spec', 'containers', 1, 'ports', 0, 'containerPort'], 'spec.containers[1].ports[0].containerPort'],
    // Path.Key: the keys of a map go in brackets, unquoted, whatever they hold.
    [['spec', 'containers', 0, 'resources', 'limits', 'cpu'], 'spec.containers[0].resources.limits[cpu]'],
    [['spec', 'containers', 0, 'resources', 'requests', 'example.com/gpu'], 'spec.containers[0].resources.requests[example.com/gpu]'],
    [['spec', 'volumes', 0, 'flexVolume', 'options', 'kubernetes.io/x'], 'spec.volumes[0].flexVolume.options[kubernetes.io/x]'],
    [['metadata', 'annotations', 'a b'], 'metadata.annotations[a b]'],
    [['spec', 'nodeSelector', 'disk'], 'spec.nodeSelector[disk]'],
    [['spec', 'overhead', 'cpu'], 'spec.overhead[cpu]'],
    // dnsConfig.options is a list: its index follows, not a key.
    [['spec', 'dnsConfig', 'options', 0, 'name'], 'spec.dnsConfig.options[0].name'],
    // A key the path cannot tell (validatePersistentVolumeClaimSpec's resources.Key("storage")).
    [['spec', 'volumes', 0, 'ephemeral', 'volumeClaimTemplate', 'spec', 'resources', mapKey('storage')], 'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources[storage]'],
    // The map itself, as ValidateLabels reports.
    [['metadata', 'labels'], 'metadata.labels'],
  ];
  test.each(cases)('%j', (path, want) => expect(formatFieldPath(path)).toBe(want));
});

describe('renderValue (field.Error ErrorBody)', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a string, %q', 'a"b\\c', '"a\\"b\\\\c"'],
    ['control characters escaped as Go does', 'a\tb\nc\x07\x7f', '"a\\tb\\nc\\a\\x7f"'],
    ['printable unicode kept', 'ünï 日本 😀', '"ünï 日本 😀"'],
    ['non-printable unicode escaped (no-break space, zero-width space, a private-use plane-15 point)', '\u00a0\u200b\u{F0000}', '"\\u00a0\\u200b\\U000f0000"'],
    ['an int', 42, '42'],
    ['an int64', 2147483648, '2147483648'],
    ['a negative int', -1, '-1'],
    ['a bool', true, 'true'],
    ['nil', null, 'null'],
    ['a float in Go exponent form', 0.00001, '1e-05'],
    ['a []string, %#v', ['a', 'b'], '[]string{"a", "b"}'],
    ['a Stringer (resource name, resource.Quantity)', goStringer('1500m'), '1500m'],
  ];
  test.each(cases)('%s', (_n, v, want) => expect(renderValue(v)).toBe(want));

  test('goQuote of an empty string', () => expect(goQuote('')).toBe('""'));
  test('invalid without detail', () => expect(invalid(['x'], 5, '').message).toBe('Invalid value: 5'));
});
