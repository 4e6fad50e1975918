/**
 * The DER writer against encodings worked out from X.690 and seen in real certificates (the OIDs'
 * bytes are those `openssl asn1parse` prints for sha256WithRSAEncryption and subjectAltName).
 */
import { bitString, boolean, der, integer, namedBits, oid, readTlv, sequence, set, time } from '../../../src/serve/tls/der';
import { ipBytes } from '../../../src/serve/tls/certificate';

const hex = (b: Buffer): string => b.toString('hex');

describe('der', () => {
  test.each([
    [0, '0400'],
    [127, '047f'],
    [128, '048180'],
    [255, '0481ff'],
    [256, '04820100'],
    [70000, '0483011170'],
  ])('a length of %i is written in its shortest form', (n, head) => {
    expect(hex(der(0x04, Buffer.alloc(n))).slice(0, head.length)).toBe(head);
    expect(der(0x04, Buffer.alloc(n)).length).toBe(head.length / 2 + n);
  });

  test.each([
    [0, '020100'],
    [2, '020102'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [65535, '020300ffff'],
  ])('integer(%i)', (v, want) => expect(hex(integer(v))).toBe(want));

  test('integer from bytes drops leading zeros and keeps the value positive', () => {
    expect(hex(integer(Buffer.from('000001', 'hex')))).toBe('020101');
    expect(hex(integer(Buffer.from('ff', 'hex')))).toBe('020200ff');
    expect(hex(integer(Buffer.from('0080', 'hex')))).toBe('02020080');
    expect(hex(integer(Buffer.alloc(3)))).toBe('020100');
    expect(() => integer(-1)).toThrow(RangeError);
  });

  test.each([
    ['1.2.840.113549.1.1.11', '06092a864886f70d01010b'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['2.5.29.17', '0603551d11'],
    ['2.5.4.3', '0603550403'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
  ])('oid(%s)', (o, want) => expect(hex(oid(o))).toBe(want));

  test('oid refuses what is not a dotted identifier', () => {
    expect(() => oid('1')).toThrow(RangeError);
    expect(() => oid('1.x.3')).toThrow(RangeError);
  });

  test('boolean TRUE is 0xff', () => {
    expect(hex(boolean(true))).toBe('0101ff');
    expect(hex(boolean(false))).toBe('010100');
  });

  test.each([
    [[0], '03020780'],
    [[0, 2], '030205a0'],
    [[0, 5, 6], '03020186'],
    [[5, 6], '03020106'],
    [[8], '0303070080'],
  ])('namedBits(%j) drops trailing zero bits', (bits, want) => expect(hex(namedBits(bits))).toBe(want));

  test('bitString of whole bytes says no bit is unused', () => expect(hex(bitString(Buffer.from('abcd', 'hex')))).toBe('030300abcd'));

  test('time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    expect(time(new Date('2026-12-07T12:03:04.900Z')).toString('latin1')).toBe('\x17\x0d261207120304Z');
    expect(time(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });

  test('set sorts its members by their encodings; sequence keeps the order', () => {
    expect(hex(set(integer(3), integer(1)))).toBe('3106020101020103');
    expect(hex(sequence(integer(3), integer(1)))).toBe('3006020103020101');
  });

  test('readTlv reads back what der wrote, short and long lengths', () => {
    const long = der(0x04, Buffer.alloc(300, 7));
    const both = Buffer.concat([integer(5), long]);
    const first = readTlv(both);
    expect(first).toMatchObject({ tag: 0x02, end: 3 });
    const second = readTlv(both, first.end);
    expect(second.tag).toBe(0x04);
    expect(second.contents.length).toBe(300);
    expect(second.end).toBe(both.length);
    expect(() => readTlv(long.subarray(0, 10))).toThrow(RangeError);
  });
});

describe('ipBytes', () => {
  test.each([
    ['127.0.0.1', '7f000001'],
    ['10.88.0.5', '0a580005'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['::ffff:10.1.2.3', '00000000000000000000ffff0a010203'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
  ])('%s', (ip, want) => expect(hex(ipBytes(ip))).toBe(want));

  test('refuses a name', () => expect(() => ipBytes('localhost')).toThrow(RangeError));
});
