import { redact } from '../../../harness/targets';
import { initTokenCommand, pinTyping, serialFromShowSlots } from '../../../harness/targets/native';

const SHOW_SLOTS = `Available slots:
Slot 1403711226
    Slot info:
        Description:      SoftHSM slot ID 0x53aaf0fa
        Token present:    yes
    Token info:
        Model:            SoftHSM v2
        Serial number:    6e4ea121f86e513c
        Initialized:      yes
        Label:            parsec-conformance
Slot 1
    Slot info:
        Description:      SoftHSM slot ID 0x1
        Token present:    yes
    Token info:
        Serial number:
        Initialized:      no
        Label:
`;

describe('SoftHSM helpers', () => {
  test('finds the serial number of the token by its label', () => {
    expect(serialFromShowSlots(SHOW_SLOTS, 'parsec-conformance')).toBe('6e4ea121f86e513c');
    expect(serialFromShowSlots(SHOW_SLOTS, 'other')).toBeUndefined();
  });

  test('the PINs are typed into softhsm2-util, SO PIN then user PIN, each twice, never given as arguments', () => {
    expect(pinTyping('so-secret', 'user-secret')).toBe('so-secret\nso-secret\nuser-secret\nuser-secret\n');
    const { command, args } = initTokenCommand('parsec-conformance');
    expect(command).toBe('script');
    expect(args.join(' ')).not.toMatch(/--pin|--so-pin/);
  });

  test('redact hides every occurrence of each secret', () => {
    expect(redact('pin abcd1234 and again abcd1234; so 9999zz', ['abcd1234', '9999zz'])).toBe(
      'pin *** and again ***; so ***',
    );
  });
});
