import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { Public } from '../common/auth/auth.decorator';
import { publishingConfig } from '../config';

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The privacy policy URL a public GPT must give (PRIVACY_POLICY_FILE replaces the default page). */
@ApiTags('gpt')
@Public()
@Controller()
export class PrivacyController {
  private readonly page: string;

  constructor(@Inject(publishingConfig.KEY) config: ConfigType<typeof publishingConfig>) {
    this.page = config.privacyPolicyFile
      ? readFileSync(config.privacyPolicyFile, 'utf8')
      : defaultPolicy(config.organization, config.contactEmail);
  }

  @Get('privacy')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Privacy policy page (the URL to give when publishing a GPT)' })
  @ApiOkResponse({ description: 'HTML page' })
  privacy(): string {
    return this.page;
  }
}

function defaultPolicy(organization: string, contact: string): string {
  const org = escape(organization);
  const mail = escape(contact);
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Politique de confidentialité — ${org}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}h1{font-size:1.6rem}</style>
</head><body>
<h1>Politique de confidentialité</h1>
<p>Cet assistant GPT est opéré par <strong>${org}</strong>. Il interroge notre service Passerelle pour lire les devis
que vous lui désignez et enregistrer leur analyse.</p>
<h2>Données traitées</h2>
<ul>
<li>Les devis consultés (entreprise, client, lignes, montants) et les analyses produites par l’assistant.</li>
<li>Des journaux techniques (date, route appelée, identifiant de la clé d’API) conservés pour la sécurité et la facturation.</li>
</ul>
<p>Nous ne recevons pas votre compte ChatGPT ni l’historique de vos conversations : seules les requêtes que
l’assistant envoie à notre API nous parviennent.</p>
<h2>Durée et droits</h2>
<p>Les analyses sont conservées tant que le devis existe. Vous pouvez demander l’accès, la rectification ou la
suppression de vos données (RGPD, articles 15 à 17) en écrivant à <a href="mailto:${mail}">${mail}</a>.</p>
<h2>English</h2>
<p>This GPT is operated by ${org}. It reads the quotes you name and stores their analysis through our API; no ChatGPT
account data or conversation history reaches us. Contact: <a href="mailto:${mail}">${mail}</a>.</p>
</body></html>
`;
}
