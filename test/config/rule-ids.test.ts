/** The rule ids the config accepts in suppressions are exactly the ids of the analysis rules. */
import { RULES } from '../../src/analysis/rules';
import { SUPPRESSIBLE_RULE_IDS } from '../../src/config/rule-ids';

test('every rule takes its id from the config, and the config knows no other', () => {
  expect(RULES.map((rule) => rule.id).sort()).toEqual([...SUPPRESSIBLE_RULE_IDS]);
});
