// Guards the status ladder: status only moves forward (anonymous → identified → lead → customer),
// identify never downgrades, `merged` is terminal, only customers churn.
import t from 'tap'
import { advanceStatus, mergedStatus, isVisitorStatus, VISITOR_STATUSES, type VisitorStatus } from './visitor.js'

const ADVANCE: [VisitorStatus, VisitorStatus, VisitorStatus][] = [
  ['anonymous', 'identified', 'identified'],
  ['anonymous', 'lead', 'lead'],
  ['anonymous', 'customer', 'customer'],
  ['identified', 'identified', 'identified'],
  ['identified', 'lead', 'lead'],
  ['lead', 'identified', 'lead'],
  ['customer', 'identified', 'customer'],
  ['customer', 'lead', 'customer'],
  ['customer', 'anonymous', 'customer'],
  ['lead', 'customer', 'customer'],
  ['customer', 'churned', 'churned'],
  ['lead', 'churned', 'lead'],
  ['anonymous', 'churned', 'anonymous'],
  ['churned', 'identified', 'churned'],
  ['churned', 'lead', 'churned'],
  ['churned', 'customer', 'customer'],
  ['merged', 'identified', 'merged'],
  ['merged', 'customer', 'merged'],
  ['merged', 'anonymous', 'merged'],
  ['customer', 'merged', 'merged'],
  ['anonymous', 'merged', 'merged']
]
for (const [current, next, want] of ADVANCE) {
  t.test(`advanceStatus(${current}, ${next}) = ${want}`, async t => { t.equal(advanceStatus(current, next), want) })
}

t.test('identify never downgrades: advancing to identified never lowers any status', async t => {
  for (const status of VISITOR_STATUSES) {
    const after = advanceStatus(status, 'identified')
    t.ok(status === 'anonymous' ? after === 'identified' : after === status, `${status} → ${after}`)
  }
})

const MERGED: [VisitorStatus[], VisitorStatus][] = [
  [['anonymous', 'anonymous'], 'anonymous'],
  [['anonymous', 'identified'], 'identified'],
  [['lead', 'identified'], 'lead'],
  [['anonymous', 'customer', 'lead'], 'customer'],
  [['anonymous', 'churned'], 'churned'],
  [['churned', 'customer'], 'customer']
]
for (const [statuses, want] of MERGED) {
  t.test(`mergedStatus(${statuses.join(', ')}) = ${want}`, async t => { t.equal(mergedStatus(statuses), want) })
}

t.test('isVisitorStatus', async t => {
  t.equal(isVisitorStatus('lead'), true)
  t.equal(isVisitorStatus('LEAD'), false)
  t.equal(isVisitorStatus(undefined), false)
})
