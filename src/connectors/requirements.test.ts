import t from 'tap'
import { googleConnector } from './google/index.js'
import { metaConnector } from './meta/index.js'
import { plannerRequirements } from './requirements.js'
import { webhookConnector } from './webhook/index.js'

t.test('planner requirements widen click ids with the person ids a platform matches on', async (t) => {
  t.same(plannerRequirements(metaConnector), [['_fbp', '_fbc', 'fbclid', 'email', 'phone', 'external_id']])
  t.same(plannerRequirements(googleConnector), [['gclid', 'gbraid', 'wbraid']])
  t.same(plannerRequirements(webhookConnector), [])
})
