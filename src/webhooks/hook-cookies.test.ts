import t from 'tap'
import { cookiesFromHookAnswer, hookCookieOptions } from './hook-cookies.js'

t.test('valid cookies pass, invalid ones are dropped', async t => {
  const cases: Array<[unknown, Array<{ name: string, value: string, days: number }>]> = [
    [{ set_cookies: [{ name: 'aff', value: 'p123', days: 30 }] }, [{ name: 'aff', value: 'p123', days: 30 }]],
    [{ set_cookies: [{ name: 'aff', value: 'x', days: 1000 }] }, [{ name: 'aff', value: 'x', days: 400 }]],
    [{ set_cookies: [{ name: '_ga_good', value: 'stolen', days: 1 }] }, []],
    [{ set_cookies: [{ name: '_GA_anon', value: 'stolen', days: 1 }] }, []],
    [{ set_cookies: [{ name: 'ga_unlock_123', value: 'v', days: 1 }] }, []],
    [{ set_cookies: [{ name: '__Host-x', value: 'v', days: 1 }] }, []],
    [{ set_cookies: [{ name: 'a b', value: 'v', days: 1 }] }, []],
    [{ set_cookies: [{ name: 'a=b', value: 'v', days: 1 }] }, []],
    [{ set_cookies: [{ name: 'a', value: 'v; Domain=evil.com', days: 1 }] }, []],
    [{ set_cookies: [{ name: 'a', value: 'line\nbreak', days: 1 }] }, []],
    [{ set_cookies: [{ name: 'a', value: 'x'.repeat(4097), days: 1 }] }, []],
    [{ set_cookies: [{ name: 'a', value: 'v', days: 0 }] }, []],
    [{ set_cookies: [{ name: 'a', value: 'v', days: '5' }] }, []],
    [{ set_cookies: [['a', 'v', 5]] }, []],
    [{ set_cookies: 'nope' }, []],
    [null, []],
    [[1, 2], []],
    [{ set_cookies: [{ name: 'a', value: '1', days: 1 }, { name: 'a', value: '2', days: 2 }] }, [{ name: 'a', value: '2', days: 2 }]]
  ]
  for (const [answer, expected] of cases) t.same(cookiesFromHookAnswer(answer), expected, JSON.stringify(answer).slice(0, 80))
})

t.test('at most 10 cookies', async t => {
  const many = Array.from({ length: 30 }, (_, i) => ({ name: `c${i}`, value: 'v', days: 1 }))
  t.equal(cookiesFromHookAnswer({ set_cookies: many }).length, 10)
})

t.test('cookie attributes', async t => {
  t.same(hookCookieOptions({ name: 'a', value: 'v', days: 2 }, { secure: true }), { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 172800 })
  t.same(hookCookieOptions({ name: 'a', value: 'v', days: 1 }, { secure: false, domain: '.example.com' }).domain, '.example.com')
})
