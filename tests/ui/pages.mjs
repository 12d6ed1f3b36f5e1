// pages.mjs — make test-ui's screenshots: every page a user's top bar links to (its nav-PAGEID
// links), in English and Chinese, at 1280×800 and at a phone's 360 px width, saved as
// build/screenshots/ROLE-PAGEID-LANG[-360].png for people to review.
import { $, check, context, shot, signin } from './driver.mjs';

// lang(page, l): the console switched to language l the way a person does (the 中文/English
// button), if it is not already shown in it.
export async function lang(page, l) {
  const shown = async () => (await page.evaluate(() => document.documentElement.lang)).slice(0, 2);
  if (await shown() !== l) {
    await $(page, 'lang').click();
    await page.waitForLoadState('networkidle');
  }
  check(await shown() === l, `the console shown in ${l}`, await shown());
}

// every_page(browser, user): signs user in and shoots each page it may see.
export async function every_page(browser, user) {
  const ctx = await context(browser);
  const page = await ctx.newPage();
  await signin(page, user);
  const links = await page.locator('[data-test^="nav-"]').evaluateAll((as) =>
    as.map((a) => ({ id: a.dataset.test.slice(4), href: a.getAttribute('href') })));
  check(links.length > 0, `${user.role}: the top bar links to pages`);
  const phone = await ctx.newPage();
  await phone.setViewportSize({ width: 360, height: 740 });
  for (const l of ['en', 'zh']) {
    await lang(page, l);
    for (const { id, href } of links) {
      for (const [p, tail] of [[page, ''], [phone, '-360']]) {
        await p.goto(`${process.env.POSSUM_URL}/${href}`);
        // A page opened before the switch keeps its language until loaded again.
        if (!(await p.evaluate(() => document.documentElement.lang)).startsWith(l)) await p.reload();
        await p.locator(`[data-test="page-${id}"]`).waitFor();
        await p.waitForLoadState('networkidle');
        await p.waitForTimeout(300); // charts drawn
        await shot(p, `${user.role}-${id}-${l}${tail}`);
        const wide = await p.evaluate(() => document.documentElement.scrollWidth);
        const view = p.viewportSize().width;
        if (wide > view + 1) console.log(`WARN: ${user.role} ${id} (${l}) is ${wide} px wide at ${view} px`);
      }
    }
  }
  await lang(page, 'en');
  await ctx.close();
}
